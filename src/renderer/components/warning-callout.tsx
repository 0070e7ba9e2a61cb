import type { ReactNode } from 'react';
import { wording } from '../../shared/wording';

/** The design system's warning callout, its heading prefixed "Important" for screen readers. */
export function WarningCallout({
  heading,
  id,
  children,
}: {
  readonly heading: string;
  /** For a group that names the callout in its aria-describedby. */
  readonly id?: string;
  readonly children: ReactNode;
}) {
  return (
    <div className="nhsuk-card nhsuk-card--warning" id={id}>
      <div className="nhsuk-card__content">
        <h2 className="nhsuk-card__heading">
          <span role="text">
            <span className="nhsuk-u-visually-hidden">{wording().common.importantPrefix}</span>
            {heading}
          </span>
        </h2>
        {children}
      </div>
    </div>
  );
}
