import { useState, type FormEvent } from 'react';
import type { AppError } from '../../shared/errors';
import { wording } from '../../shared/wording';
import { ErrorSummary, type SummaryItem } from '../components/error-summary';
import { PasscodeField } from '../components/passcode-field';
import { useNextStep } from '../components/use-help';
import { useStepHeading } from '../components/use-step-heading';
import { useWizardStore } from '../store/wizard-store';
import { CancelButton } from '../components/cancel-button';

/**
 * The seed's "Log in with Smartcard" page, which begins registration: the card proves possession
 * and knowledge with the passcode. The passcode is wiped from the box when it is sent.
 */
export function RegisterLoginStep({ error }: { readonly error: AppError | undefined }) {
  const words = wording().login;
  const heading = useStepHeading(words.heading);
  const logIn = useWizardStore((s) => s.logIn);
  const nextStep = useNextStep();
  const [passcode, setPasscode] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (passcode === '') {
      setProblem(words.empty);
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
        {words.heading}
      </h1>
      <p>{words.intro}</p>
      <form noValidate onSubmit={onSubmit}>
        <PasscodeField
          id="login-passcode"
          label={words.label}
          hint={words.terms}
          errors={problem === null ? [] : [problem]}
          value={passcode}
          onChange={setPasscode}
          autoComplete="current-password"
        />
        <div className="nhsuk-button-group">
          <button className="nhsuk-button" type="submit">
            {words.button}
          </button>
          <CancelButton />
        </div>
      </form>
    </>
  );
}
