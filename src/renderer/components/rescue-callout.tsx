import { useShallow } from 'zustand/react/shallow';
import { wording } from '../../shared/wording';
import { selectService } from '../store/app-slice';
import { useWizardStore } from '../store/wizard-store';
import { useHelpWording } from './use-help';
import { WarningCallout } from './warning-callout';

/**
 * One passcode try left, said before any guess: the card locks on a wrong one, so the holder is
 * offered the forgotten-passcode route instead (the desk, if the app runs no such flow).
 */
export function RescueCallout() {
  const words = wording().rescue;
  const { deskOrAt } = useHelpWording();
  const { verification } = useWizardStore(selectService);
  const { offered, beginForgotten, pending } = useWizardStore(
    useShallow((s) => ({
      offered: s.flows.some((f) => f.flow === 'forgotten'),
      beginForgotten: s.beginForgotten,
      pending: s.pending,
    })),
  );
  return (
    <WarningCallout heading={words.heading}>
      <p>{words.body}</p>
      {offered ? (
        <>
          <p>{words.forgotten[verification]}</p>
          <button
            className="nhsuk-button nhsuk-button--secondary"
            id="forgotten-button"
            type="button"
            disabled={pending}
            onClick={() => void beginForgotten()}
          >
            {words.forgottenButton}
          </button>
        </>
      ) : (
        <p>{words.desk(deskOrAt)}</p>
      )}
    </WarningCallout>
  );
}
