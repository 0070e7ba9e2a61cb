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
function passcodeMessages(passcode: string, policy: PasscodePolicy, submitted: boolean): string[] {
  return passcodeProblems(passcode, policy)
    .filter((p) => submitted || p !== 'empty')
    .map((p) => passcodeProblemMessage(p, policy));
}

/**
 * What to say about the second box while typing: a mismatch once it can no longer become the
 * first (it is not a prefix of it, or it is as long), and "empty" only after Confirm.
 */
function confirmationMessages(
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

/** The errors each new-passcode box shows: those found at the last submit. */
interface PairErrors {
  readonly first: readonly string[];
  readonly second: readonly string[];
}

const NO_ERRORS: PairErrors = { first: [], second: [] };

/**
 * The new passcode's two boxes. Rules broken while typing are `checks` (hints); errors and the
 * summary come only from a submit and stay as they were until the next, so typing never moves
 * them or the focus (the NHS pattern).
 */
export function useNewPasscodePair(policy: PasscodePolicy) {
  const [passcode, setPasscode] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [errors, setErrors] = useState<PairErrors>(NO_ERRORS);
  const unsaid = (lines: readonly string[], said: readonly string[]) =>
    lines.filter((line) => !said.includes(line));
  return {
    passcode,
    confirmation,
    setPasscode,
    setConfirmation,
    errors,
    checks: {
      first: unsaid(passcodeMessages(passcode, policy, false), errors.first),
      second: unsaid(confirmationMessages(passcode, confirmation, policy, false), errors.second),
    },
    /** At submit: records the errors to show, and says whether both boxes are allowed. */
    check: (): boolean => {
      const found = {
        first: passcodeMessages(passcode, policy, true),
        second: confirmationMessages(passcode, confirmation, policy, true),
      };
      setErrors(found);
      return found.first.length === 0 && found.second.length === 0;
    },
    /** Empties both boxes and their errors (once they are sent). */
    clear: () => {
      setPasscode('');
      setConfirmation('');
      setErrors(NO_ERRORS);
    },
  };
}

/**
 * The new passcode's two boxes, the policy as the first's hint and the screen's `confirmHint` as
 * the second's; `serverOn` adds an error the main process placed on one of them.
 */
export function NewPasscodeFields({
  pair,
  policy,
  confirmHint,
  serverOn = () => [],
}: {
  readonly pair: ReturnType<typeof useNewPasscodePair>;
  readonly policy: PasscodePolicy;
  readonly confirmHint: string;
  readonly serverOn?: (targetId: string) => readonly string[];
}) {
  const words = wording().passcode;
  return (
    <>
      <PasscodeField
        id="new-passcode"
        label={words.newLabel}
        hint={words.policy(policy)}
        errors={[...pair.errors.first, ...serverOn('new-passcode')]}
        checks={pair.checks.first}
        autoComplete="new-password"
        value={pair.passcode}
        onChange={pair.setPasscode}
      />
      <PasscodeField
        id="confirm-passcode"
        label={words.confirmLabel}
        hint={confirmHint}
        errors={[...pair.errors.second, ...serverOn('confirm-passcode')]}
        checks={pair.checks.second}
        autoComplete="new-password"
        value={pair.confirmation}
        onChange={pair.setConfirmation}
      />
    </>
  );
}

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
  const pair = useNewPasscodePair(policy);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!pair.check()) return;
    const [p, c] = [pair.passcode, pair.confirmation];
    pair.clear();
    void setPasscode(p, c);
  };

  const local: SummaryItem[] = [
    ...pair.errors.first.map((text) => ({ text, targetId: 'new-passcode' })),
    ...pair.errors.second.map((text) => ({ text, targetId: 'confirm-passcode' })),
  ];
  const fromServer = local.length === 0 && error !== undefined;
  const items = fromServer ? [{ text: error.message, targetId: 'new-passcode' }] : local;

  return (
    <>
      <StepHead title={words.heading} items={items} error={fromServer ? error : undefined} />
      <p>{words.reuse}</p>
      <form noValidate onSubmit={onSubmit}>
        <NewPasscodeFields pair={pair} policy={policy} confirmHint={words.confirmHint} />
        <FormButtons submit={words.confirmButton} />
      </form>
    </>
  );
}
