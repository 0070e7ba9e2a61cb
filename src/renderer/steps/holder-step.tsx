import { useShallow } from 'zustand/react/shallow';
import { WarningCallout } from '../components/warning-callout';
import { useStepHeading } from '../components/use-step-heading';
import { useWizardStore } from '../store/wizard-store';
import { QUESTIONS_WORDING } from '../wording';

/** The seed's warning naming the card's holder, before any question is asked. */
export function HolderWarning({ holderName }: { readonly holderName: string }) {
  const [before, , after] = QUESTIONS_WORDING.warning(holderName);
  return (
    <WarningCallout heading="Check this is your Smartcard">
      <p className="nhsuk-card__description">
        {before}
        <strong>{holderName}</strong>
        {after}
      </p>
    </WarningCallout>
  );
}

/** "Who the card belongs to": the holder confirms the card is theirs, or stops. */
export function HolderStep({ holderName }: { readonly holderName: string }) {
  const heading = useStepHeading('Check this is your Smartcard');
  const { confirmHolder, cancel } = useWizardStore(
    useShallow((s) => ({ confirmHolder: s.confirmHolder, cancel: s.cancel })),
  );
  return (
    <>
      <h1 ref={heading} tabIndex={-1}>
        Check this is your Smartcard
      </h1>
      <HolderWarning holderName={holderName} />
      <div className="nhsuk-button-group">
        <button className="nhsuk-button" type="button" onClick={confirmHolder}>
          This is my Smartcard, continue
        </button>
        <button
          className="nhsuk-button nhsuk-button--secondary"
          type="button"
          onClick={() => void cancel()}
        >
          This is not my Smartcard
        </button>
      </div>
    </>
  );
}
