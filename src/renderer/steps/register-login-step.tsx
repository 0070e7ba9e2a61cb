import { useState, type FormEvent } from 'react';
import type { AppError } from '../../shared/errors';
import { ErrorSummary, type SummaryItem } from '../components/error-summary';
import { PasscodeField } from '../components/passcode-field';
import { useNextStep } from '../components/use-help';
import { useStepHeading } from '../components/use-step-heading';
import { useWizardStore } from '../store/wizard-store';
import { LOGIN_WORDING } from '../wording';
import { CancelButton } from '../components/cancel-button';

/**
 * The seed's "Log in with Smartcard" page, which begins registration: the card proves possession
 * and knowledge with the passcode. The passcode is wiped from the box when it is sent.
 */
export function RegisterLoginStep({ error }: { readonly error: AppError | undefined }) {
  const heading = useStepHeading(LOGIN_WORDING.heading);
  const logIn = useWizardStore((s) => s.logIn);
  const nextStep = useNextStep();
  const [passcode, setPasscode] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (passcode === '') {
      setProblem('Enter your passcode');
      return;
    }
    const typed = passcode;
    setProblem(null);
    setPasscode('');
    void logIn(typed);
  };

  const items: SummaryItem[] =
    problem !== null
      ? [{ text: problem, targetId: 'login-passcode' }]
      : error !== undefined
        ? [{ text: error.message, targetId: 'login-passcode' }]
        : [];

  return (
    <>
      <ErrorSummary
        items={items}
        description={problem === null && error !== undefined ? nextStep(error) : undefined}
      />
      <h1 ref={heading} tabIndex={-1}>
        {LOGIN_WORDING.heading}
      </h1>
      <p>
        To register for the Smartcard Unlock Service, keep your Smartcard in the reader and log in
        with your passcode. Your card must not be locked.
      </p>
      <form noValidate onSubmit={onSubmit}>
        <PasscodeField
          id="login-passcode"
          label={LOGIN_WORDING.label}
          hint={LOGIN_WORDING.terms}
          errors={problem === null ? [] : [problem]}
          value={passcode}
          onChange={setPasscode}
          autoComplete="current-password"
        />
        <div className="nhsuk-button-group">
          <button className="nhsuk-button" type="submit">
            Log in
          </button>
          <CancelButton />
        </div>
      </form>
    </>
  );
}
