import type { ReactNode } from 'react';
import { wording } from '../../shared/wording';

/** The design system's warning callout, its heading prefixed "Important" for screen readers. */
export function WarningCallout({
  heading,
  children,
}: {
  readonly heading: string;
  readonly children: ReactNode;
}) {
  return (
    <div className="nhsuk-card nhsuk-card--warning">
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
