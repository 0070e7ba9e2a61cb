import { useState, type FormEvent } from 'react';
import type { AppError } from '../../shared/errors';
import type { FlowView } from '../../shared/ipc-contract';
import { PASSCODE_POLICIES } from '../../shared/passcode-policy';
import { wording } from '../../shared/wording';
import { FormButtons } from '../components/cancel-button';
import type { SummaryItem } from '../components/error-summary';
import { ErrorMessage } from '../components/field-parts';
import { PasscodeField } from '../components/passcode-field';
import { RescueCallout } from '../components/rescue-callout';
import { StepHead } from '../components/step-head';
import { useWizardStore } from '../store/wizard-store';
import { NewPasscodeFields, useNewPasscodePair } from './new-passcode-step';

type View = Extract<FlowView, { kind: 'change-passcode' }>;

/** The box an error from the main process is about, and what the summary says of it. */
function fromMain(error: AppError): SummaryItem {
  const field = error.details?.field;
  if (field === 'spendLastTry') {
    return { text: wording().change.lastTryRequired, targetId: 'last-try-confirm' };
  }
  const onNew = field === 'passcode' || error.code === 'PASSCODE_REJECTED';
  const targetId = onNew
    ? 'new-passcode'
    : field === 'confirmation'
      ? 'confirm-passcode'
      : 'current-passcode';
  return { text: error.message, targetId };
}

/**
 * The change of passcode: the current passcode, the new one twice (checked as typed, as hints), and
 * at one try left a warning and the holder's consent before the card is tried. All wiped when sent.
 */
export function ChangePasscodeStep({
  view,
  error,
}: {
  readonly view: View;
  readonly error: AppError | undefined;
}) {
  const policy = PASSCODE_POLICIES[view.policy];
  const words = wording().change;
  const changePasscode = useWizardStore((s) => s.changePasscode);
  const [current, setCurrent] = useState('');
  const [consent, setConsent] = useState(false);
  const pair = useNewPasscodePair(policy);
  // As the pair's, these errors come from a submit and stay until the next.
  const [currentProblems, setCurrentProblems] = useState<readonly string[]>([]);
  const [consentProblems, setConsentProblems] = useState<readonly string[]>([]);
  const lastTry = view.triesLeft === 1;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const newOk = pair.check();
    const currentFound = current === '' ? [words.currentEmpty] : [];
    const consentFound = lastTry && !consent ? [words.lastTryRequired] : [];
    setCurrentProblems(currentFound);
    setConsentProblems(consentFound);
    if (!newOk || currentFound.length > 0 || consentFound.length > 0) return;
    const { passcode, confirmation } = pair;
    const request = { current, passcode, confirmation, spendLastTry: lastTry && consent };
    setCurrent('');
    setConsent(false);
    pair.clear();
    void changePasscode(request);
  };

  const local: SummaryItem[] = [
    ...currentProblems.map((text) => ({ text, targetId: 'current-passcode' })),
    ...pair.errors.first.map((text) => ({ text, targetId: 'new-passcode' })),
    ...pair.errors.second.map((text) => ({ text, targetId: 'confirm-passcode' })),
    ...consentProblems.map((text) => ({ text, targetId: 'last-try-confirm' })),
  ];
  const fromServer = local.length === 0 && error !== undefined;
  const items = fromServer ? [fromMain(error)] : local;
  const serverOn = (targetId: string) =>
    fromServer && items[0]?.targetId === targetId ? [items[0].text] : [];

  return (
    <>
      <StepHead title={words.heading} items={items} error={fromServer ? error : undefined} />
      {lastTry ? <RescueCallout /> : null}
      <p>{words.intro}</p>
      <form noValidate onSubmit={onSubmit}>
        <PasscodeField
          id="current-passcode"
          label={words.currentLabel}
          errors={[...currentProblems, ...serverOn('current-passcode')]}
          value={current}
          onChange={setCurrent}
          autoComplete="current-password"
        />
        <NewPasscodeFields
          pair={pair}
          policy={policy}
          confirmHint={words.confirmHint}
          serverOn={serverOn}
        />
        {lastTry ? (
          <LastTryConsent
            checked={consent}
            onChange={setConsent}
            errors={[...consentProblems, ...serverOn('last-try-confirm')]}
          />
        ) : null}
        <FormButtons submit={words.button} />
      </form>
    </>
  );
}

/** The design system's single checkbox: the holder agrees to spend the card's last try. */
function LastTryConsent({
  checked,
  onChange,
  errors,
}: {
  readonly checked: boolean;
  readonly onChange: (checked: boolean) => void;
  readonly errors: readonly string[];
}) {
  const id = 'last-try-confirm';
  const hasError = errors.length > 0;
  return (
    <div className={`nhsuk-form-group${hasError ? ' nhsuk-form-group--error' : ''}`}>
      <ErrorMessage id={id} messages={errors} />
      <div className="nhsuk-checkboxes">
        <div className="nhsuk-checkboxes__item">
          <input
            className="nhsuk-checkboxes__input"
            id={id}
            name={id}
            type="checkbox"
            checked={checked}
            onChange={(event) => onChange(event.target.checked)}
            aria-describedby={hasError ? `${id}-error` : undefined}
          />
          <label className="nhsuk-label nhsuk-checkboxes__label" htmlFor={id}>
            {wording().change.lastTryConfirm}
          </label>
        </div>
      </div>
    </div>
  );
}
