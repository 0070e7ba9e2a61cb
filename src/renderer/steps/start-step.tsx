import { useShallow } from 'zustand/react/shallow';
import { ErrorSummary } from '../components/error-summary';
import { ReaderStatusPanel } from '../components/reader-status-panel';
import { useNextStep } from '../components/use-help';
import { useStepHeading } from '../components/use-step-heading';
import { useWizardStore } from '../store/wizard-store';
import { SERVICE_NAME, START_WORDING } from '../wording';

/** The start screen: the seed's introduction, the live reader status, Start and Register. */
export function StartStep() {
  const heading = useStepHeading(SERVICE_NAME);
  const { actionError, choosing, startUnlock, beginRegistration } = useWizardStore(
    useShallow((s) => ({
      actionError: s.actionError,
      choosing: s.reader?.state === 'choose-reader',
      startUnlock: s.startUnlock,
      beginRegistration: s.beginRegistration,
    })),
  );
  const nextStep = useNextStep();
  return (
    <>
      {actionError === null ? null : (
        <ErrorSummary
          items={[{ text: actionError.message, targetId: choosing ? 'reader-0' : 'start-button' }]}
          description={nextStep(actionError)}
        />
      )}
      <h1 ref={heading} tabIndex={-1}>
        {SERVICE_NAME}
      </h1>
      <p>{START_WORDING.intro}</p>
      <p>{START_WORDING.stepsLead}</p>
      <ol>
        {START_WORDING.steps.map((step) => (
          <li key={step}>{step}</li>
        ))}
      </ol>
      <p>{START_WORDING.duration}</p>
      <p>{START_WORDING.instruction}</p>
      <ReaderStatusPanel />
      <button
        className="nhsuk-button"
        id="start-button"
        type="button"
        onClick={() => void startUnlock()}
      >
        Start
      </button>
      <h2 className="nhsuk-heading-m">Not registered yet?</h2>
      <p>
        If your Smartcard is not locked, you can register for the Smartcard Unlock Service now, so
        that you can unlock it yourself if it ever locks.
      </p>
      <button
        className="nhsuk-button nhsuk-button--secondary"
        type="button"
        onClick={() => void beginRegistration()}
      >
        Register for Smartcard Unlock
      </button>
    </>
  );
}
