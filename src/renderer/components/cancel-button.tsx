import { wording } from '../../shared/wording';
import { useWizardStore } from '../store/wizard-store';

/** Ends the flow in progress (the attempt is cancelled on the server) and goes back to the start. */
export function CancelButton() {
  const cancel = useWizardStore((s) => s.cancel);
  return (
    <button
      className="nhsuk-button nhsuk-button--secondary"
      type="button"
      onClick={() => void cancel()}
    >
      {wording().common.cancel}
    </button>
  );
}

/** A form's buttons: submit (Next, unless named) and Cancel. */
export function FormButtons({ submit }: { readonly submit?: string }) {
  return (
    <div className="nhsuk-button-group">
      <button className="nhsuk-button" type="submit">
        {submit ?? wording().common.next}
      </button>
      <CancelButton />
    </div>
  );
}
