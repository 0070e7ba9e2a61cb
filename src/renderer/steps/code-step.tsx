import { useState, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { appError, type AppError } from '../../shared/errors';
import { unlockCodeSchema, type CodeDelivery } from '../../shared/http-api';
import { wording } from '../../shared/wording';
import { Emphasised } from '../components/emphasised';
import { fieldSummary } from '../components/error-summary';
import { TextField } from '../components/text-field';
import { useSecondsUntil } from '../components/use-seconds-until';
import { HelpContacts } from '../components/help-contacts';
import { useNextStep } from '../components/use-help';
import { useStepHeading } from '../components/use-step-heading';
import type { Journey } from '../store/flow-slice';
import { StepHead } from '../components/step-head';
import { useWizardStore } from '../store/wizard-store';
import { CancelButton, FormButtons } from '../components/cancel-button';

/** The code as the server wants it, or the problem to show; `length` is the code's as sent. */
function checkCode(
  typed: string,
  length: number,
): { readonly code: string } | { readonly problem: string } {
  const words = wording().code;
  if (typed.trim() === '') return { problem: words.empty };
  const parsed = unlockCodeSchema.safeParse(typed);
  return parsed.success && parsed.data.length === length
    ? { code: parsed.data }
    : { problem: words.malformed(length) };
}

/** Resend, disabled with a visible countdown until the server allows another send. */
function Resend({ delivery }: { readonly delivery: CodeDelivery }) {
  const { resendCode, pending } = useWizardStore(
    useShallow((s) => ({ resendCode: s.resendCode, pending: s.pending })),
  );
  const seconds = useSecondsUntil(delivery.resendAvailableAt);
  const words = wording().code;
  if (delivery.sendsLeft === 0) {
    return <p id="resend-status">{words.noMoreSends}</p>;
  }
  return (
    <div className="app-resend">
      <h2 className="nhsuk-heading-s">{words.notReceived}</h2>
      <p id="resend-status">
        {seconds > 0 ? words.resendIn(seconds) : words.resendNow}{' '}
        {words.sendsLeft(delivery.sendsLeft)}
      </p>
      <span className="nhsuk-u-visually-hidden" aria-live="polite">
        {seconds === 0 ? words.resendNowAnnounced : ''}
      </span>
      <button
        className="nhsuk-button nhsuk-button--secondary"
        type="button"
        disabled={seconds > 0 || pending}
        aria-describedby="resend-status"
        onClick={() => void resendCode()}
      >
        {words.resendButton}
      </button>
    </div>
  );
}

/**
 * The first email could not be sent: the answers are kept, and Resend (allowed at once, since no
 * send was counted) tries again. Shown in place of the code box, which would have nothing to take.
 */
function NotSent({ error }: { readonly error: AppError | undefined }) {
  const title = wording().errors.MAIL_UNAVAILABLE.title;
  const heading = useStepHeading(title);
  const { resendCode, pending } = useWizardStore(
    useShallow((s) => ({ resendCode: s.resendCode, pending: s.pending })),
  );
  const nextStep = useNextStep();
  // With no error from the flow, the catalogue's own words for an unsent email.
  const shown = error ?? appError('MAIL_UNAVAILABLE');
  return (
    <>
      <h1 ref={heading} tabIndex={-1}>
        {title}
      </h1>
      <p>{shown.message}</p>
      <p>{nextStep(shown)}</p>
      <div className="nhsuk-button-group">
        <button
          className="nhsuk-button"
          type="button"
          disabled={pending}
          onClick={() => void resendCode()}
        >
          {wording().code.resendButton}
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
  const words = wording().code;
  const title = journey === 'unlock' ? words.heading : words.registerHeading;
  const submitCode = useWizardStore((s) => s.submitCode);
  const [typed, setTyped] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const checked = checkCode(typed, delivery.codeLength);
    if ('problem' in checked) {
      setProblem(checked.problem);
      return;
    }
    setProblem(null);
    setTyped('');
    void submitCode(checked.code);
  };

  const items = fieldSummary(problem, error, 'code');

  return (
    <>
      <StepHead title={title} items={items} error={problem === null ? error : undefined} />
      <p>{journey === 'unlock' ? words.lead : words.registerLead}</p>
      <div className="nhsuk-inset-text">
        <span className="nhsuk-u-visually-hidden">{wording().common.informationPrefix}</span>
        <p>
          <Emphasised parts={words.sentTo(delivery.maskedEmail)} />
        </p>
        {delivery.delayed === true && <p id="code-delayed">{words.delayed}</p>}
        <p>{words.junk}</p>
      </div>
      <form noValidate onSubmit={onSubmit}>
        <TextField
          id="code"
          label={journey === 'unlock' ? words.heading : words.registerLabel}
          hint={words.hint(delivery.codeLength)}
          error={problem ?? (error?.code.startsWith('CODE_') === true ? error.message : undefined)}
          value={typed}
          onChange={setTyped}
          autoComplete="one-time-code"
          widthClass="nhsuk-input--width-10"
        />
        <FormButtons />
      </form>
      <Resend delivery={delivery} />
    </>
  );
}
