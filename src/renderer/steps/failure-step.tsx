import { useShallow } from 'zustand/react/shallow';
import type { AppError, ErrorCode } from '../../shared/errors';
import { HelpContacts } from '../components/help-contacts';
import { SettingsErrorDetails } from '../components/setting-problem';
import { useHelpContacts, useHelpWording, useNextStep } from '../components/use-help';
import { useStepHeading } from '../components/use-step-heading';
import { useWizardStore } from '../store/wizard-store';
import { FAILURE_TITLES } from '../wording';

/** Extra guidance some failures need beyond the catalogue's next step. */
function Guidance({ code }: { readonly code: ErrorCode }) {
  const help = useHelpContacts();
  const { deskOrAt } = useHelpWording();
  if (code === 'CARD_NOT_REGISTERED') {
    return (
      <>
        <h2 className="nhsuk-heading-m">How to register</h2>
        <ol>
          <li>Get your Smartcard unlocked by {deskOrAt}.</li>
          <li>Insert your unlocked Smartcard and choose Register for Smartcard Unlock.</li>
          <li>Log in with your passcode, choose and answer your security questions.</li>
          <li>Confirm your email address with the code we send you.</li>
        </ol>
        <p>Next time your Smartcard locks, you can unlock it yourself here.</p>
      </>
    );
  }
  if (code === 'SELF_SERVICE_LOCKED') {
    return (
      <p className="app-callout-phone">
        Call the IT service desk
        {help === null ? null : (
          <>
            {' '}
            on <strong>{help.phone}</strong>
          </>
        )}
        .
      </p>
    );
  }
  return null;
}

/**
 * A failure: what happened, what to do next, whom to call, and the buttons that fit (Retry when
 * the main process says repeating is safe, Register for a card that is not locked, Start again).
 */
export function FailureStep({
  error,
  canRetry,
}: {
  readonly error: AppError;
  readonly canRetry: boolean;
}) {
  const title = FAILURE_TITLES[error.code];
  const heading = useStepHeading(title);
  const { retry, cancel, beginRegistration, pending } = useWizardStore(
    useShallow((s) => ({
      retry: s.retry,
      cancel: s.cancel,
      beginRegistration: s.beginRegistration,
      pending: s.pending,
    })),
  );
  const nextStep = useNextStep();
  return (
    <>
      <h1 ref={heading} tabIndex={-1}>
        {title}
      </h1>
      <p>{error.message}</p>
      <h2 className="nhsuk-heading-m">What to do next</h2>
      <p>{nextStep(error)}</p>
      <Guidance code={error.code} />
      <SettingsErrorDetails error={error} />
      <div className="nhsuk-button-group">
        {canRetry ? (
          <button
            className="nhsuk-button"
            type="button"
            disabled={pending}
            onClick={() => void retry()}
          >
            Retry
          </button>
        ) : null}
        {error.code === 'CARD_NOT_LOCKED' ? (
          <button className="nhsuk-button" type="button" onClick={() => void beginRegistration()}>
            Register for Smartcard Unlock
          </button>
        ) : null}
        <button
          className={
            canRetry || error.code === 'CARD_NOT_LOCKED'
              ? 'nhsuk-button nhsuk-button--secondary'
              : 'nhsuk-button'
          }
          type="button"
          onClick={() => void cancel()}
        >
          Start again
        </button>
      </div>
      <HelpContacts />
      <p className="nhsuk-body-s app-error-code">
        If you call the service desk, tell them this error code: <strong>{error.code}</strong>
      </p>
    </>
  );
}
