import { useState, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { AppError } from '../../shared/errors';
import { unlockCodeSchema, type CodeDelivery } from '../../shared/http-api';
import { ErrorSummary, type SummaryItem } from '../components/error-summary';
import { TextField } from '../components/text-field';
import { useSecondsUntil } from '../components/use-seconds-until';
import { HelpContacts } from '../components/help-contacts';
import { useNextStep } from '../components/use-help';
import { useStepHeading } from '../components/use-step-heading';
import type { Journey } from '../store/flow-slice';
import { useWizardStore } from '../store/wizard-store';
import { CODE_WORDING, FAILURE_TITLES } from '../wording';
import { CancelButton } from '../components/cancel-button';

/** The code as the server wants it, or the problem to show. */
export function checkCode(typed: string): { readonly code: string } | { readonly problem: string } {
  if (typed.trim() === '') return { problem: 'Enter your Smartcard Unlock Code' };
  const parsed = unlockCodeSchema.safeParse(typed);
  return parsed.success
    ? { code: parsed.data }
    : { problem: 'A Smartcard Unlock Code is 8 letters and numbers. Check the code in the email.' };
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** Resend, disabled with a visible countdown until the server allows another send. */
function Resend({ delivery }: { readonly delivery: CodeDelivery }) {
  const { resendCode, pending } = useWizardStore(
    useShallow((s) => ({ resendCode: s.resendCode, pending: s.pending })),
  );
  const seconds = useSecondsUntil(delivery.resendAvailableAt);
  if (delivery.sendsLeft === 0) {
    return <p id="resend-status">No more codes can be sent for this attempt.</p>;
  }
  return (
    <div className="app-resend">
      <h2 className="nhsuk-heading-s">Not received the email?</h2>
      <p id="resend-status">
        {seconds > 0
          ? `You can ask for a new code in ${plural(seconds, 'second', 'seconds')}.`
          : 'You can ask for a new code now.'}{' '}
        {`You can ask for ${plural(delivery.sendsLeft, 'more code', 'more codes')}.`}
      </p>
      <span className="nhsuk-u-visually-hidden" aria-live="polite">
        {seconds === 0 ? 'You can now ask for a new code.' : ''}
      </span>
      <button
        className="nhsuk-button nhsuk-button--secondary"
        type="button"
        disabled={seconds > 0 || pending}
        aria-describedby="resend-status"
        onClick={() => void resendCode()}
      >
        Resend code
      </button>
    </div>
  );
}

/**
 * The first email could not be sent: the answers are kept, and Resend (allowed at once, since no
 * send was counted) tries again. Shown in place of the code box, which would have nothing to take.
 */
function NotSent({ error }: { readonly error: AppError | undefined }) {
  const title = FAILURE_TITLES.MAIL_UNAVAILABLE;
  const heading = useStepHeading(title);
  const { resendCode, pending } = useWizardStore(
    useShallow((s) => ({ resendCode: s.resendCode, pending: s.pending })),
  );
  const nextStep = useNextStep();
  return (
    <>
      <h1 ref={heading} tabIndex={-1}>
        {title}
      </h1>
      <p>{error?.message ?? 'The email with your code could not be sent just now.'}</p>
      <p>
        {error === undefined
          ? 'Wait a minute and press Resend code. Your answers are kept.'
          : nextStep(error)}
      </p>
      <div className="nhsuk-button-group">
        <button
          className="nhsuk-button"
          type="button"
          disabled={pending}
          onClick={() => void resendCode()}
        >
          Resend code
        </button>
        <CancelButton />
      </div>
      <HelpContacts />
    </>
  );
}

/**
 * The Smartcard Unlock Code (unlock) or the address confirmation code (registration): where it
 * went, the junk-folder hint, the code box and Resend. The typed code is wiped on submit. With no
 * delivery (the first email failed), it offers Resend instead.
 */
export function CodeStep({
  journey,
  delivery,
  error,
}: {
  readonly journey: Journey;
  readonly delivery: CodeDelivery | null;
  readonly error: AppError | undefined;
}) {
  return delivery === null ? (
    <NotSent error={error} />
  ) : (
    <CodeForm journey={journey} delivery={delivery} error={error} />
  );
}

/** The code box with where the code went, and Resend. */
function CodeForm({
  journey,
  delivery,
  error,
}: {
  readonly journey: Journey;
  readonly delivery: CodeDelivery;
  readonly error: AppError | undefined;
}) {
  const title = journey === 'unlock' ? CODE_WORDING.heading : 'Confirm your email address';
  const heading = useStepHeading(title);
  const submitCode = useWizardStore((s) => s.submitCode);
  const nextStep = useNextStep();
  const [typed, setTyped] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const checked = checkCode(typed);
    if ('problem' in checked) {
      setProblem(checked.problem);
      return;
    }
    setProblem(null);
    setTyped('');
    void submitCode(checked.code);
  };

  const items: SummaryItem[] =
    problem !== null
      ? [{ text: problem, targetId: 'code' }]
      : error !== undefined
        ? [{ text: error.message, targetId: 'code' }]
        : [];

  return (
    <>
      <ErrorSummary
        items={items}
        description={problem === null && error !== undefined ? nextStep(error) : undefined}
      />
      <h1 ref={heading} tabIndex={-1}>
        {title}
      </h1>
      <p>
        {journey === 'unlock'
          ? CODE_WORDING.lead
          : 'To confirm your email address, we have sent a code to it. Once you receive the code, enter it below and press the Next button to finish registering.'}
      </p>
      <div className="nhsuk-inset-text">
        <span className="nhsuk-u-visually-hidden">Information: </span>
        <p>
          We sent the code to <strong>{delivery.maskedEmail}</strong>.
        </p>
        {delivery.delayed === true && <p id="code-delayed">{CODE_WORDING.delayed}</p>}
        <p>{CODE_WORDING.junk}</p>
      </div>
      <form noValidate onSubmit={onSubmit}>
        <TextField
          id="code"
          label={journey === 'unlock' ? CODE_WORDING.heading : 'Code from the email'}
          hint="The code is 8 letters and numbers, for example AB3D5F7H."
          error={problem ?? (error?.code.startsWith('CODE_') === true ? error.message : undefined)}
          value={typed}
          onChange={setTyped}
          autoComplete="one-time-code"
          widthClass="nhsuk-input--width-10"
        />
        <div className="nhsuk-button-group">
          <button className="nhsuk-button" type="submit">
            Next
          </button>
          <CancelButton />
        </div>
      </form>
      <Resend delivery={delivery} />
    </>
  );
}
