import { useState, type FormEvent } from 'react';
import type { AppError } from '../../shared/errors';
import {
  confirmationProblems,
  PASSCODE_POLICIES,
  passcodeProblemMessage,
  passcodeProblems,
  type PasscodePolicy,
  type PasscodePolicyName,
} from '../../shared/passcode-policy';
import { wording } from '../../shared/wording';
import type { SummaryItem } from '../components/error-summary';
import { PasscodeField } from '../components/passcode-field';
import { StepHead } from '../components/step-head';
import { useWizardStore } from '../store/wizard-store';
import { FormButtons } from '../components/cancel-button';

/**
 * What to say about the first box while typing: every rule it breaks, but not "empty" (the
 * person has not started) until they press Confirm.
 */
export function passcodeMessages(
  passcode: string,
  policy: PasscodePolicy,
  submitted: boolean,
): string[] {
  return passcodeProblems(passcode, policy)
    .filter((p) => submitted || p !== 'empty')
    .map((p) => passcodeProblemMessage(p, policy));
}

/**
 * What to say about the second box while typing: a mismatch once it can no longer become the
 * first (it is not a prefix of it, or it is as long), and "empty" only after Confirm.
 */
export function confirmationMessages(
  passcode: string,
  confirmation: string,
  policy: PasscodePolicy,
  submitted: boolean,
): string[] {
  const stillTyping =
    !submitted &&
    (confirmation.length === 0 ||
      (confirmation.length < passcode.length && passcode.startsWith(confirmation)));
  if (stillTyping) return [];
  return confirmationProblems(passcode, confirmation).map((p) => passcodeProblemMessage(p, policy));
}

/** Both boxes hold a new passcode: problems shown as typed, and the browser may suggest one. */
export const NEW_PASSCODE = { liveErrors: true, autoComplete: 'new-password' } as const;

/**
 * The new passcode, typed twice and checked against the policy as it is typed, with Show/Hide.
 * Both boxes live in this component only and are wiped when Confirm sends them.
 */
export function NewPasscodeStep({
  policyName,
  error,
}: {
  readonly policyName: PasscodePolicyName;
  readonly error: AppError | undefined;
}) {
  const policy = PASSCODE_POLICIES[policyName];
  const words = wording().passcode;
  const setPasscode = useWizardStore((s) => s.setPasscode);
  const [passcode, setPasscodeText] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [submitted, setSubmitted] = useState(false);

  const first = passcodeMessages(passcode, policy, submitted);
  const second = confirmationMessages(passcode, confirmation, policy, submitted);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const ok =
      passcodeProblems(passcode, policy).length === 0 &&
      confirmationProblems(passcode, confirmation).length === 0;
    if (!ok) {
      setSubmitted(true);
      return;
    }
    const [p, c] = [passcode, confirmation];
    setPasscodeText('');
    setConfirmation('');
    setSubmitted(false);
    void setPasscode(p, c);
  };

  const local: SummaryItem[] = submitted
    ? [
        ...first.map((text) => ({ text, targetId: 'new-passcode' })),
        ...second.map((text) => ({ text, targetId: 'confirm-passcode' })),
      ]
    : [];
  const fromServer = local.length === 0 && error !== undefined;
  const items = fromServer ? [{ text: error.message, targetId: 'new-passcode' }] : local;

  return (
    <>
      <StepHead title={words.heading} items={items} error={fromServer ? error : undefined} />
      <p>{words.reuse}</p>
      <form noValidate onSubmit={onSubmit}>
        <PasscodeField
          id="new-passcode"
          label={words.newLabel}
          hint={words.policy(policy)}
          errors={first}
          {...NEW_PASSCODE}
          value={passcode}
          onChange={setPasscodeText}
        />
        <PasscodeField
          id="confirm-passcode"
          label={words.confirmLabel}
          hint={words.confirmHint}
          errors={second}
          {...NEW_PASSCODE}
          value={confirmation}
          onChange={setConfirmation}
        />
        <FormButtons submit={words.confirmButton} />
      </form>
    </>
  );
}
