import { useShallow } from 'zustand/react/shallow';
import type { AppError } from '../../shared/errors';
import { wording } from '../../shared/wording';
import { ErrorSummary } from '../components/error-summary';
import { useNextStep } from '../components/use-help';
import { useStepHeading } from '../components/use-step-heading';
import { useWizardStore } from '../store/wizard-store';

/**
 * The card was taken out where the attempt can wait: the screen follows the reader (the page's
 * reader announcer says its changes) and Continue resumes with the same card.
 */
export function ReinsertCardStep({ error }: { readonly error: AppError | undefined }) {
  const words = wording().reinsert;
  const heading = useStepHeading(words.heading);
  const { cardIn, resume, cancel } = useWizardStore(
    useShallow((s) => ({
      cardIn: s.reader?.state === 'card-present',
      resume: s.resume,
      cancel: s.cancel,
    })),
  );
  const nextStep = useNextStep();
  return (
    <>
      {error === undefined ? null : (
        <ErrorSummary
          items={[{ text: error.message, targetId: 'continue-button' }]}
          description={nextStep(error)}
        />
      )}
      <h1 ref={heading} tabIndex={-1}>
        {words.heading}
      </h1>
      <p>{words.kept}</p>
      <p>{words.sameCard}</p>
      <div className="nhsuk-inset-text" data-testid="reinsert-reader">
        <p>{cardIn ? words.cardBack : words.waiting}</p>
      </div>
      <div className="nhsuk-button-group">
        <button
          className="nhsuk-button"
          id="continue-button"
          type="button"
          onClick={() => void resume()}
        >
          {words.continueButton}
        </button>
        <button
          className="nhsuk-button nhsuk-button--secondary"
          type="button"
          onClick={() => void cancel()}
        >
          {wording().failure.startAgain}
        </button>
      </div>
    </>
  );
}
