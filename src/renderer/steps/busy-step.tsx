import type { ProgressStep } from '../../shared/ipc-contract';
import { wording } from '../../shared/wording';
import { useStepHeading } from '../components/use-step-heading';

/** Progress for a slow step: a status region, a visible indicator and what is happening. */
export function BusyStep({ step }: { readonly step: ProgressStep }) {
  const words = wording().progress;
  const text = words.steps[step];
  const heading = useStepHeading(text);
  return (
    <div role="status" aria-live="polite" className="app-busy">
      <h1 ref={heading} tabIndex={-1}>
        {text}
      </h1>
      <progress className="app-busy__indicator" aria-label={text} />
      <p>{words.pleaseWait}</p>
    </div>
  );
}
