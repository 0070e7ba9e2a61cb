import type { HTMLAttributes, ReactNode } from 'react';
import { describedBy, ErrorMessage, Hint } from './field-parts';

/** A labelled text input in the design system's form group, with hint and error wired by ids. */
export function TextField({
  id,
  label,
  hint,
  error,
  value,
  onChange,
  autoComplete = 'off',
  inputMode,
  widthClass,
  spellCheck = false,
}: {
  readonly id: string;
  readonly label: ReactNode;
  readonly hint?: ReactNode;
  readonly error?: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly autoComplete?: string;
  readonly inputMode?: HTMLAttributes<HTMLInputElement>['inputMode'];
  readonly widthClass?: string;
  readonly spellCheck?: boolean;
}) {
  const errors = error === undefined ? [] : [error];
  return (
    <div className={`nhsuk-form-group${errors.length > 0 ? ' nhsuk-form-group--error' : ''}`}>
      <label className="nhsuk-label" htmlFor={id}>
        {label}
      </label>
      {hint === undefined ? null : <Hint id={id}>{hint}</Hint>}
      <ErrorMessage id={id} messages={errors} />
      <input
        className={['nhsuk-input', widthClass ?? '', errors.length > 0 ? 'nhsuk-input--error' : '']
          .filter(Boolean)
          .join(' ')}
        id={id}
        name={id}
        type="text"
        value={value}
        onChange={(event) => onChange(event.target.value)}
        autoComplete={autoComplete}
        inputMode={inputMode}
        spellCheck={spellCheck}
        aria-describedby={describedBy(id, hint !== undefined, errors.length > 0)}
        aria-invalid={errors.length > 0 ? true : undefined}
      />
    </div>
  );
}
