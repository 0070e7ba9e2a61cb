import { useState, type FormEvent } from 'react';
import type { AppError } from '../../shared/errors';
import { wording } from '../../shared/wording';
import { fieldSummary } from '../components/error-summary';
import { PasscodeField } from '../components/passcode-field';
import { StepHead } from '../components/step-head';
import { useWizardStore } from '../store/wizard-store';
import { FormButtons } from '../components/cancel-button';

/**
 * The seed's "Log in with Smartcard" page, which begins registration: the card proves possession
 * and knowledge with the passcode. The passcode is wiped from the box when it is sent.
 */
export function RegisterLoginStep({ error }: { readonly error: AppError | undefined }) {
  const words = wording().login;
  const logIn = useWizardStore((s) => s.logIn);
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

  const items = fieldSummary(problem, error, 'login-passcode');

  return (
    <>
      <StepHead title={words.heading} items={items} error={problem === null ? error : undefined} />
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
        <FormButtons submit={words.button} />
      </form>
    </>
  );
}
