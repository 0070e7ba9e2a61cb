import type { FlowView } from '../../shared/ipc-contract';
import { useStepHeading } from '../components/use-step-heading';
import { PROGRESS_WORDING } from '../wording';

/** Progress for a slow step: a status region, a visible indicator and what is happening. */
export function BusyStep({ step }: { readonly step: Extract<FlowView, { kind: 'busy' }>['step'] }) {
  const text = PROGRESS_WORDING[step];
  const heading = useStepHeading(text);
  return (
    <div role="status" aria-live="polite" className="app-busy">
      <h1 ref={heading} tabIndex={-1}>
        {text}
      </h1>
      <progress className="app-busy__indicator" aria-label={text} />
      <p>Please wait. Do not remove your Smartcard.</p>
    </div>
  );
}
