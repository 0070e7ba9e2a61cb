import { wording } from '../../shared/wording';
import { useHelpWording } from '../components/use-help';
import { useStepHeading } from '../components/use-step-heading';
import type { Journey } from '../store/flow-slice';
import { useWizardStore } from '../store/wizard-store';

/** The end of a flow: the design system's confirmation panel and the help contacts. */
export function DoneStep({
  journey,
  holderName,
}: {
  readonly journey: Journey;
  readonly holderName: string;
}) {
  const words = wording().done;
  const { title, body, next } = words[journey];
  const heading = useStepHeading(title);
  const cancel = useWizardStore((s) => s.cancel);
  const { sentence } = useHelpWording();
  return (
    <>
      <div className="nhsuk-panel">
        <h1 className="nhsuk-panel__heading" ref={heading} tabIndex={-1}>
          {title}
        </h1>
        <div className="nhsuk-panel__body">{body(holderName)}</div>
      </div>
      <p>{next}</p>
      <p>{sentence}</p>
      <button className="nhsuk-button" type="button" onClick={() => void cancel()}>
        {words.finish}
      </button>
    </>
  );
}
