import { useShallow } from 'zustand/react/shallow';
import { wording } from '../../shared/wording';
import { Emphasised } from '../components/emphasised';
import { WarningCallout } from '../components/warning-callout';
import { useStepHeading } from '../components/use-step-heading';
import { useWizardStore } from '../store/wizard-store';

/** The seed's warning naming the card's holder, before any question is asked. */
export function HolderWarning({ holderName }: { readonly holderName: string }) {
  const words = wording().holder;
  return (
    <WarningCallout heading={words.heading}>
      <p className="nhsuk-card__description">
        <Emphasised parts={words.warning(holderName)} />
      </p>
    </WarningCallout>
  );
}

/** "Who the card belongs to": the holder confirms the card is theirs, or stops. */
export function HolderStep({ holderName }: { readonly holderName: string }) {
  const words = wording().holder;
  const heading = useStepHeading(words.heading);
  const { confirmHolder, cancel } = useWizardStore(
    useShallow((s) => ({ confirmHolder: s.confirmHolder, cancel: s.cancel })),
  );
  return (
    <>
      <h1 ref={heading} tabIndex={-1}>
        {words.heading}
      </h1>
      <HolderWarning holderName={holderName} />
      <div className="nhsuk-button-group">
        <button className="nhsuk-button" type="button" onClick={confirmHolder}>
          {words.confirm}
        </button>
        <button
          className="nhsuk-button nhsuk-button--secondary"
          type="button"
          onClick={() => void cancel()}
        >
          {words.notMine}
        </button>
      </div>
    </>
  );
}
