import { useEffect, useRef, type MouseEvent } from 'react';
import { wording } from '../../shared/wording';

/** One problem in the summary; `targetId` is the field its link moves focus to. */
export interface SummaryItem {
  readonly text: string;
  readonly targetId?: string;
}

/** The summary of a one-field form: the problem found on the page, else the main process's. */
export function fieldSummary(
  problem: string | null,
  error: { readonly message: string } | undefined,
  targetId: string,
): SummaryItem[] {
  const text = problem ?? error?.message;
  return text === undefined ? [] : [{ text, targetId }];
}

/** Moves focus to a field by id, as the design system's error summary links do. */
function focusField(event: MouseEvent<HTMLAnchorElement>, targetId: string): void {
  event.preventDefault();
  const target = document.getElementById(targetId);
  if (target === null) return;
  target.focus();
  if (typeof target.scrollIntoView === 'function') target.scrollIntoView({ block: 'center' });
}

/**
 * The NHS design system error summary: focused when it appears or changes, each problem a link
 * to its field, and an optional line saying what to do next.
 */
export function ErrorSummary({
  items,
  description,
}: {
  readonly items: readonly SummaryItem[];
  readonly description?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const key = items.map((i) => i.text).join('\n') + (description ?? '');
  useEffect(() => {
    if (key !== '') ref.current?.focus();
  }, [key]);
  if (items.length === 0) return null;
  return (
    // As the design system's: focusable, the alert in a child so it is announced once, and no
    // aria-labelledby on the container, which has no role to be named (axe: aria-prohibited-attr).
    <div className="nhsuk-error-summary" tabIndex={-1} ref={ref}>
      <div role="alert">
        <h2 className="nhsuk-error-summary__heading">{wording().common.errorSummaryTitle}</h2>
        <div className="nhsuk-error-summary__body">
          {description === undefined ? null : <p>{description}</p>}
          <ul className="nhsuk-list nhsuk-error-summary__list">
            {items.map((item) =>
              item.targetId === undefined ? (
                <li key={item.text}>{item.text}</li>
              ) : (
                <li key={item.text}>
                  <a
                    href={`#${item.targetId}`}
                    onClick={(event) => focusField(event, item.targetId ?? '')}
                  >
                    {item.text}
                  </a>
                </li>
              ),
            )}
          </ul>
        </div>
      </div>
    </div>
  );
}
