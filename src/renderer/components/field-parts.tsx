import { wording } from '../../shared/wording';

/** The ids a field's aria-describedby names: its hint and its error message, when present. */
export function describedBy(id: string, hasHint: boolean, hasError: boolean): string | undefined {
  const ids = [hasHint ? `${id}-hint` : null, hasError ? `${id}-error` : null].filter(
    (x): x is string => x !== null,
  );
  return ids.length === 0 ? undefined : ids.join(' ');
}

/** A design-system hint under a label. */
export function Hint({
  id,
  children,
}: {
  readonly id: string;
  readonly children: React.ReactNode;
}) {
  return (
    <div className="nhsuk-hint" id={`${id}-hint`}>
      {children}
    </div>
  );
}

/** A design-system error message; one line per problem. */
export function ErrorMessage({
  id,
  messages,
}: {
  readonly id: string;
  readonly messages: readonly string[];
}) {
  if (messages.length === 0) return null;
  return (
    <span className="nhsuk-error-message" id={`${id}-error`}>
      {messages.map((message) => (
        <span key={message} className="app-error-line">
          <span className="nhsuk-u-visually-hidden">{wording().common.errorPrefix}</span>
          {message}
        </span>
      ))}
    </span>
  );
}
