import { useShallow } from 'zustand/react/shallow';
import { wording } from '../../shared/wording';
import { selectService } from '../store/app-slice';
import { useWizardStore } from '../store/wizard-store';

/**
 * The offer of the desk's approval (ADR 0025): under a form after the card's proof, where the
 * server has the assisted unlock on; on a failure that kept the attempt for it, the way on.
 */
export function AskDesk({ lockedOut = false }: { readonly lockedOut?: boolean }) {
  const words = wording().approval;
  const { offered, askDesk, pending } = useWizardStore(
    useShallow((s) => ({
      offered: selectService(s).assistedUnlock === true,
      askDesk: s.askDesk,
      pending: s.pending,
    })),
  );
  if (!lockedOut && !offered) return null;
  const button = (
    <button
      className={lockedOut ? 'nhsuk-button' : 'nhsuk-button nhsuk-button--secondary'}
      id="ask-desk-button"
      type="button"
      disabled={pending}
      onClick={() => void askDesk()}
    >
      {words.askButton}
    </button>
  );
  if (lockedOut) {
    return (
      <>
        <p>{words.lockedOffer}</p>
        <div className="nhsuk-button-group">{button}</div>
      </>
    );
  }
  return (
    <div className="app-ask-desk">
      <h2 className="nhsuk-heading-s">{words.offerHeading}</h2>
      <p>{words.offer}</p>
      {button}
    </div>
  );
}
