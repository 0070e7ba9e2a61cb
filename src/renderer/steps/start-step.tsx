import { useShallow } from 'zustand/react/shallow';
import { wording } from '../../shared/wording';
import { ErrorSummary } from '../components/error-summary';
import { ReaderStatusPanel } from '../components/reader-status-panel';
import { useNextStep } from '../components/use-help';
import { useStepHeading } from '../components/use-step-heading';
import { useWizardStore } from '../store/wizard-store';

/** The start screen: the seed's introduction, the live reader status, Start and Register. */
export function StartStep() {
  const { name } = wording().service;
  const words = wording().start;
  const heading = useStepHeading(name);
  const { actionError, choosing, startUnlock, beginRegistration, beginChange } = useWizardStore(
    useShallow((s) => ({
      actionError: s.actionError,
      choosing: s.reader?.state === 'choose-reader',
      startUnlock: s.startUnlock,
      beginRegistration: s.beginRegistration,
      beginChange: s.beginChange,
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
        {name}
      </h1>
      <p>{words.intro}</p>
      <p>{words.stepsLead}</p>
      <ol>
        {words.steps.map((step) => (
          <li key={step}>{step}</li>
        ))}
      </ol>
      <p>{words.duration}</p>
      <p>{words.instruction}</p>
      <ReaderStatusPanel />
      <button
        className="nhsuk-button"
        id="start-button"
        type="button"
        onClick={() => void startUnlock()}
      >
        {words.startButton}
      </button>
      <h2 className="nhsuk-heading-m">{words.notRegisteredHeading}</h2>
      <p>{words.notRegistered}</p>
      <button
        className="nhsuk-button nhsuk-button--secondary"
        type="button"
        onClick={() => void beginRegistration()}
      >
        {words.registerButton}
      </button>
      <h2 className="nhsuk-heading-m">{words.changeHeading}</h2>
      <p>{words.change}</p>
      <button
        className="nhsuk-button nhsuk-button--secondary"
        id="change-button"
        type="button"
        onClick={() => void beginChange()}
      >
        {words.changeButton}
      </button>
    </>
  );
}
