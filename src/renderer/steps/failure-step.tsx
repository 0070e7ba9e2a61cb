import { useShallow } from 'zustand/react/shallow';
import type { AppError, ErrorCode } from '../../shared/errors';
import { wording } from '../../shared/wording';
import { AskDesk } from '../components/ask-desk';
import { Emphasised } from '../components/emphasised';
import { HelpContacts } from '../components/help-contacts';
import { RescueCallout } from '../components/rescue-callout';
import { SettingsErrorDetails } from '../components/setting-problem';
import { useHelpContacts, useHelpWording, useNextStep } from '../components/use-help';
import { useStepHeading } from '../components/use-step-heading';
import { selectService } from '../store/app-slice';
import { useWizardStore } from '../store/wizard-store';

/**
 * A card that is not locked: the change of passcode is offered, and at one try left the holder is
 * warned before any guess.
 */
function NotLocked({ triesLeft }: { readonly triesLeft: number | undefined }) {
  const words = wording().start;
  const beginChange = useWizardStore((s) => s.beginChange);
  const { verification } = useWizardStore(selectService);
  return (
    <>
      {triesLeft === 1 ? <RescueCallout /> : null}
      <h2 className="nhsuk-heading-m">{words.changeHeading}</h2>
      <p>{words.change[verification]}</p>
      <button
        className="nhsuk-button nhsuk-button--secondary"
        type="button"
        onClick={() => void beginChange()}
      >
        {words.changeButton}
      </button>
    </>
  );
}

/** Extra guidance some failures need beyond the catalogue's next step. */
function Guidance({ code }: { readonly code: ErrorCode }) {
  const help = useHelpContacts();
  const { deskOrAt } = useHelpWording();
  const words = wording().failure;
  if (code === 'CARD_NOT_REGISTERED') {
    return (
      <>
        <h2 className="nhsuk-heading-m">{words.howToRegister}</h2>
        <ol>
          {words.registerSteps(deskOrAt).map((step) => (
            <li key={step}>{step}</li>
          ))}
        </ol>
        <p>{words.registerAfter}</p>
      </>
    );
  }
  if (DESK_ONLY.has(code)) {
    return (
      <>
        <p className="app-callout-phone">
          {help === null ? (
            words.callDeskWithoutNumber
          ) : (
            <Emphasised parts={words.callDesk(help.phone)} />
          )}
        </p>
        <p>{words.lockedThen(help?.walkIn ?? null)}</p>
      </>
    );
  }
  return null;
}

/**
 * Failures only the desk can clear: the screen names the desk once, in large type, in place of
 * the next step and the help section, and offers no way that leads back to the same failure.
 */
const DESK_ONLY: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'SELF_SERVICE_LOCKED',
  'SELF_SERVICE_FROZEN',
]);

/** Failures that starting again would only meet again: Finish is the one button. */
const FINISH_ONLY: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  ...DESK_ONLY,
  'CERTIFICATE_EXPIRED',
  'NO_CONTACT',
]);

/**
 * A failure: what happened, what to do next, whom to call, and the buttons that fit (Retry when
 * the main process says repeating is safe, Register for a card that is not locked where holders
 * register, Start again; Finish alone where only the desk can help).
 */
export function FailureStep({
  error,
  canRetry,
  assistedUnlock = false,
}: {
  readonly error: AppError;
  readonly canRetry: boolean;
  /** The attempt is kept for the desk's approval: the screen offers it (ADR 0025). */
  readonly assistedUnlock?: boolean;
}) {
  const words = wording().failure;
  const title = wording().errors[error.code].title;
  const heading = useStepHeading(title);
  const nextStep = useNextStep();
  const { verification } = useWizardStore(selectService);
  // Under code-only there is nothing to register: a card that is not locked needs no Register.
  const offerRegister = error.code === 'CARD_NOT_LOCKED' && verification === 'questions-and-code';
  const next =
    error.code === 'CARD_NOT_LOCKED' && !offerRegister ? words.notLockedCodeOnly : nextStep(error);
  const deskOnly = DESK_ONLY.has(error.code);
  return (
    <>
      <h1 ref={heading} tabIndex={-1}>
        {title}
      </h1>
      <p>{error.message}</p>
      <h2 className="nhsuk-heading-m">{words.whatNext}</h2>
      {deskOnly ? null : <p>{next}</p>}
      <Guidance code={error.code} />
      {error.code === 'CARD_NOT_LOCKED' ? <NotLocked triesLeft={error.details?.triesLeft} /> : null}
      <SettingsErrorDetails error={error} />
      {assistedUnlock ? <AskDesk lockedOut /> : null}
      {FINISH_ONLY.has(error.code) ? (
        <FinishButton />
      ) : (
        <OtherButtons canRetry={canRetry} offerRegister={offerRegister} />
      )}
      {deskOnly ? null : <HelpContacts />}
      <p className="nhsuk-body-s app-error-code">
        <Emphasised parts={words.errorCode(error.code)} />
      </p>
    </>
  );
}

/** Where starting again cannot help: back to the start screen, as a secondary button (not a way on). */
function FinishButton() {
  const cancel = useWizardStore((s) => s.cancel);
  return (
    <div className="nhsuk-button-group">
      <button
        className="nhsuk-button nhsuk-button--secondary"
        type="button"
        onClick={() => void cancel()}
      >
        {wording().failure.finish}
      </button>
    </div>
  );
}

/** Retry when it is safe, Register for a card that is not locked, and Start again. */
function OtherButtons({
  canRetry,
  offerRegister,
}: {
  readonly canRetry: boolean;
  readonly offerRegister: boolean;
}) {
  const words = wording().failure;
  const { retry, cancel, beginRegistration, pending } = useWizardStore(
    useShallow((s) => ({
      retry: s.retry,
      cancel: s.cancel,
      beginRegistration: s.beginRegistration,
      pending: s.pending,
    })),
  );
  return (
    <div className="nhsuk-button-group">
      {canRetry ? (
        <button
          className="nhsuk-button"
          type="button"
          disabled={pending}
          onClick={() => void retry()}
        >
          {words.retry}
        </button>
      ) : null}
      {offerRegister ? (
        <button className="nhsuk-button" type="button" onClick={() => void beginRegistration()}>
          {wording().start.registerButton}
        </button>
      ) : null}
      <button
        className={
          canRetry || offerRegister ? 'nhsuk-button nhsuk-button--secondary' : 'nhsuk-button'
        }
        type="button"
        onClick={() => void cancel()}
      >
        {words.startAgain}
      </button>
    </div>
  );
}
