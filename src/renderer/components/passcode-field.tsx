import { useState, type ReactNode } from 'react';
import { wording } from '../../shared/wording';
import { describedBy, ErrorMessage, Hint } from './field-parts';

/**
 * The design system's password input for a card passcode: masked by default, a Show/Hide button
 * beside it, and problems listed under the label. `liveErrors` announces problems politely as
 * they change, for checks made while typing.
 */
export function PasscodeField({
  id,
  label,
  hint,
  errors,
  liveErrors = false,
  value,
  onChange,
  autoComplete = 'off',
}: {
  readonly id: string;
  readonly label: ReactNode;
  readonly hint?: ReactNode;
  readonly errors: readonly string[];
  readonly liveErrors?: boolean;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly autoComplete?: string;
}) {
  const [visible, setVisible] = useState(false);
  const hasError = errors.length > 0;
  const words = wording().common;
  const fieldName = typeof label === 'string' ? label : words.passcodeFieldName;
  return (
    <div
      className={`nhsuk-form-group nhsuk-password-input${hasError ? ' nhsuk-form-group--error' : ''}`}
    >
      <label className="nhsuk-label" htmlFor={id}>
        {label}
      </label>
      {hint === undefined ? null : <Hint id={id}>{hint}</Hint>}
      <div aria-live={liveErrors ? 'polite' : undefined}>
        <ErrorMessage id={id} messages={errors} />
      </div>
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
          aria-describedby={describedBy(id, hint !== undefined, hasError)}
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
