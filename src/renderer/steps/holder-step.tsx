import { useShallow } from 'zustand/react/shallow';
import type { Contact } from '../../shared/http-api';
import { wording } from '../../shared/wording';
import { Emphasised } from '../components/emphasised';
import { WarningCallout } from '../components/warning-callout';
import { useStepHeading } from '../components/use-step-heading';
import { useWizardStore } from '../store/wizard-store';

/** The id of the holder warning, for a form that names it as its description. */
export const HOLDER_WARNING_ID = 'holder-warning';

/**
 * The seed's warning naming the card's holder. The seed shows it once, on Security Questions;
 * without questions it goes on the screen before the code is sent (docs/screens.md).
 */
export function HolderWarning({ holderName }: { readonly holderName: string }) {
  const words = wording().holder;
  return (
    <WarningCallout heading={words.heading} id={HOLDER_WARNING_ID}>
      <p className="nhsuk-card__description">
        <Emphasised parts={words.warning(holderName)} />
      </p>
    </WarningCallout>
  );
}

/**
 * No questions and one contact, so nothing to fill in before the code is sent: this screen says
 * where it will go and warns, and only "This is my Smartcard" sends it (nobody's phone is texted
 * for whoever is at the keyboard).
 */
export function HolderStep({
  holderName,
  contact,
}: {
  readonly holderName: string;
  readonly contact: Contact;
}) {
  const words = wording().holder;
  const heading = useStepHeading(words.sendHeading);
  const { confirmHolder, cancel } = useWizardStore(
    useShallow((s) => ({ confirmHolder: s.confirmHolder, cancel: s.cancel })),
  );
  return (
    <>
      <h1 ref={heading} tabIndex={-1}>
        {words.sendHeading}
      </h1>
      <p>
        <Emphasised parts={words.willSend(contact.channel, contact.maskedAddress)} />
      </p>
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
