import { useShallow } from 'zustand/react/shallow';
import type { FlowView } from '../../shared/ipc-contract';
import { wording } from '../../shared/wording';
import { CancelButton } from '../components/cancel-button';
import { Emphasised } from '../components/emphasised';
import { ErrorSummary } from '../components/error-summary';
import { useHelpContacts, useHelpWording, useNextStep } from '../components/use-help';
import { useStepHeading } from '../components/use-step-heading';
import { useWizardStore } from '../store/wizard-store';

type View = Extract<FlowView, { kind: 'unlock-approval' }>;

/** Hours and minutes on this computer's clock, as the holder reads the time. */
const clockOf = (iso: string): string =>
  new Date(iso).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });

/**
 * The reference, large and spaced to read aloud; screen readers hear it one symbol at a time
 * (the shown text reads as words and numbers, "ninety-two").
 */
function Reference({ reference }: { readonly reference: string }) {
  const words = wording().approval;
  return (
    <div className="nhsuk-inset-text">
      <h2 className="nhsuk-heading-s">{words.referenceLabel}</h2>
      <p className="app-reference" aria-hidden="true" data-testid="approval-reference">
        {reference}
      </p>
      <p className="nhsuk-u-visually-hidden">{words.spelled(reference)}</p>
    </div>
  );
}

/**
 * The desk's approval (ADR 0025): the reference to read over the phone to the desk's number,
 * and a polite status while the app waits; it moves on to the new passcode by itself. Expired,
 * it says so and offers a new reference.
 */
export function ApprovalStep({ view }: { readonly view: View }) {
  return view.status === 'waiting' ? <Waiting view={view} /> : <Expired view={view} />;
}

function Waiting({ view }: { readonly view: View }) {
  const words = wording().approval;
  const heading = useStepHeading(words.heading);
  const help = useHelpContacts();
  return (
    <>
      <h1 ref={heading} tabIndex={-1}>
        {words.heading}
      </h1>
      <p className="app-callout-phone">
        {help === null ? words.callWithoutNumber : <Emphasised parts={words.call(help.phone)} />}
      </p>
      <Reference reference={view.reference} />
      <p>{words.validUntil(clockOf(view.expiresAt))}</p>
      <p>{words.deskChecks}</p>
      <div role="status" aria-live="polite" className="app-busy">
        <progress className="app-busy__indicator" aria-label={words.waiting} />
        <p>{words.waiting}</p>
      </div>
      <p>{words.keepCard}</p>
      <div className="nhsuk-button-group">
        <CancelButton />
      </div>
    </>
  );
}

function Expired({ view }: { readonly view: View }) {
  const words = wording().approval;
  const { desk } = useHelpWording();
  const nextStep = useNextStep();
  const { askDesk, cancel, pending } = useWizardStore(
    useShallow((s) => ({ askDesk: s.askDesk, cancel: s.cancel, pending: s.pending })),
  );
  const more = view.referencesLeft > 0;
  const heading = useStepHeading(words.expiredHeading);
  const error = view.error;
  return (
    <>
      {error === undefined ? null : (
        <ErrorSummary
          items={[{ text: error.message, ...(more ? { targetId: 'ask-desk-button' } : {}) }]}
          description={nextStep(error)}
        />
      )}
      <h1 ref={heading} tabIndex={-1}>
        {words.expiredHeading}
      </h1>
      <p>
        <Emphasised parts={words.expired(view.reference)} />
      </p>
      <p>{more ? words.expiredNext : words.noMore(desk)}</p>
      <div className="nhsuk-button-group">
        {more ? (
          <button
            className="nhsuk-button"
            id="ask-desk-button"
            type="button"
            disabled={pending}
            onClick={() => void askDesk()}
          >
            {words.newButton}
          </button>
        ) : null}
        <button
          className={more ? 'nhsuk-button nhsuk-button--secondary' : 'nhsuk-button'}
          type="button"
          onClick={() => void cancel()}
        >
          {more ? wording().common.cancel : wording().failure.startAgain}
        </button>
      </div>
    </>
  );
}
