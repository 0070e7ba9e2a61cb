import { useState, type ReactNode } from 'react';
import { wording } from '../../shared/wording';
import { ErrorMessage, Hint } from './field-parts';

/**
 * The design system's password input for a card passcode: masked by default, a Show/Hide button
 * beside it, and the errors of the last submit under the label. `checks` (the rules broken as it
 * is typed) show as a hint in a polite live region: feedback, not an error, until submit.
 */
export function PasscodeField({
  id,
  label,
  hint,
  errors,
  checks,
  value,
  onChange,
  autoComplete = 'off',
}: {
  readonly id: string;
  readonly label: ReactNode;
  readonly hint?: ReactNode;
  readonly errors: readonly string[];
  readonly checks?: readonly string[];
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly autoComplete?: string;
}) {
  const [visible, setVisible] = useState(false);
  const hasError = errors.length > 0;
  const checked = checks !== undefined && checks.length > 0;
  const words = wording().common;
  const fieldName = typeof label === 'string' ? label : words.passcodeFieldName;
  const described = [
    hint === undefined ? null : `${id}-hint`,
    checked ? `${id}-checks` : null,
    hasError ? `${id}-error` : null,
  ].filter((x): x is string => x !== null);
  return (
    <div
      className={`nhsuk-form-group nhsuk-password-input${hasError ? ' nhsuk-form-group--error' : ''}`}
    >
      <label className="nhsuk-label" htmlFor={id}>
        {label}
      </label>
      {hint === undefined ? null : <Hint id={id}>{hint}</Hint>}
      {checks === undefined ? null : (
        // In the page from the start, so that the first rule broken is announced.
        <div aria-live="polite">
          <div id={`${id}-checks`} className={checked ? 'nhsuk-hint app-passcode-checks' : ''}>
            {checks.map((line) => (
              <span key={line} className="app-check-line">
                {line}
              </span>
            ))}
          </div>
        </div>
      )}
      <ErrorMessage id={id} messages={errors} />
      <div className="nhsuk-input-wrapper">
        <input
          className={`nhsuk-input nhsuk-password-input__input nhsuk-input--width-10${hasError ? ' nhsuk-input--error' : ''}`}
          id={id}
          name={id}
          type={visible ? 'text' : 'password'}
          value={value}
          onChange={(event) => onChange(event.target.value)}
          spellCheck={false}
          autoComplete={autoComplete}
          autoCapitalize="none"
          aria-describedby={described.length === 0 ? undefined : described.join(' ')}
          aria-invalid={hasError ? true : undefined}
        />
        <button
          className="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-password-input__toggle"
          type="button"
          aria-controls={id}
          aria-label={visible ? words.hide(fieldName) : words.show(fieldName)}
          onClick={() => setVisible((v) => !v)}
        >
          {visible ? words.hideButton : words.showButton}
        </button>
      </div>
      <span className="nhsuk-u-visually-hidden" aria-live="polite">
        {visible ? words.passcodeVisible : ''}
      </span>
    </div>
  );
}
