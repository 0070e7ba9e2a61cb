import { useState, type FormEvent, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { appError, type AppError } from '../../shared/errors';
import type { CodeDelivery, Contact, DeliveryChannel } from '../../shared/http-api';
import { normaliseUnlockCode } from '../../shared/limits';
import { wording } from '../../shared/wording';
import { Emphasised } from '../components/emphasised';
import { fieldSummary } from '../components/error-summary';
import { TextField } from '../components/text-field';
import { useSecondsUntil } from '../components/use-seconds-until';
import { HelpContacts } from '../components/help-contacts';
import { useHelpWording, useNextStep } from '../components/use-help';
import { useStepHeading } from '../components/use-step-heading';
import type { Journey } from '../store/flow-slice';
import { StepHead } from '../components/step-head';
import { useWizardStore } from '../store/wizard-store';
import { AskDesk } from '../components/ask-desk';
import { CancelButton, FormButtons } from '../components/cancel-button';

/** The code as the server wants it, or the problem to show, by the length and channel it came by. */
function checkCode(
  typed: string,
  delivery: CodeDelivery,
): { readonly code: string } | { readonly problem: string } {
  const words = wording().code;
  const length = delivery.codeLength;
  if (typed.trim() === '') return { problem: words.empty };
  const code = normaliseUnlockCode(typed);
  return code !== undefined && code.length === length
    ? { code }
    : { problem: words.malformed(length, delivery.channel) };
}

/**
 * Resend, and with two contacts the other way, both disabled with a visible countdown until the
 * server allows another send (sending another way counts as a resend). With the code `spent`,
 * Resend is the way on: the primary button, beside Cancel.
 */
function Resend({
  delivery,
  other,
  spent = false,
}: {
  readonly delivery: CodeDelivery;
  readonly other: Contact | undefined;
  readonly spent?: boolean;
}) {
  const { resendCode, sendCode, pending } = useWizardStore(
    useShallow((s) => ({ resendCode: s.resendCode, sendCode: s.sendCode, pending: s.pending })),
  );
  const seconds = useSecondsUntil(delivery.resendAvailableAt);
  const words = wording().code;
  if (delivery.sendsLeft === 0) {
    return <p id="resend-status">{words.noMoreSends}</p>;
  }
  const waiting = seconds > 0 || pending;
  return (
    <div className="app-resend">
      {spent ? null : <h2 className="nhsuk-heading-s">{words.notReceived[delivery.channel]}</h2>}
      <p id="resend-status">
        {seconds > 0 ? words.resendIn(seconds) : words.resendNow}{' '}
        {words.sendsLeft(delivery.sendsLeft)}
      </p>
      <span className="nhsuk-u-visually-hidden" aria-live="polite">
        {seconds === 0 ? words.resendNowAnnounced : ''}
      </span>
      <div className="nhsuk-button-group">
        <button
          className={spent ? 'nhsuk-button' : 'nhsuk-button nhsuk-button--secondary'}
          id="resend-button"
          type="button"
          disabled={waiting}
          aria-describedby="resend-status"
          onClick={() => void resendCode()}
        >
          {words.resendButton}
        </button>
        {other === undefined ? null : (
          <button
            className="nhsuk-button nhsuk-button--secondary"
            id="other-way-button"
            type="button"
            disabled={waiting}
            aria-describedby="resend-status"
            onClick={() => void sendCode(other.channel)}
          >
            {words.otherWay(other.channel)}
          </button>
        )}
        {spent ? <CancelButton /> : null}
      </div>
    </div>
  );
}

/** The error a first message that was not sent shows, by its channel. */
const NOT_SENT_ERROR = { email: 'MAIL_UNAVAILABLE', sms: 'TEXT_UNAVAILABLE' } as const;

/**
 * The first message could not be sent: the progress is kept, and Resend (allowed at once, since no
 * send was counted) tries again. Shown in place of the code box, which would have nothing to take.
 */
export function NotSent({
  channel,
  error,
  onResend,
}: {
  readonly channel: DeliveryChannel;
  readonly error: AppError | undefined;
  readonly onResend: () => Promise<void>;
}) {
  const title = wording().errors[NOT_SENT_ERROR[channel]].title;
  const heading = useStepHeading(title);
  const pending = useWizardStore((s) => s.pending);
  const nextStep = useNextStep();
  // With no error from the flow, the catalogue's own words for an unsent message.
  const shown = error ?? appError(NOT_SENT_ERROR[channel]);
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
          id="resend-button"
          disabled={pending}
          onClick={() => void onResend()}
        >
          {wording().code.resendButton}
        </button>
        <CancelButton />
      </div>
      <HelpContacts />
    </>
  );
}

/** The channel of a first message that was not sent: the holder's one contact's, or the error's. */
function unsentChannel(contacts: readonly Contact[], error: AppError | undefined): DeliveryChannel {
  if (contacts.length === 1 && contacts[0] !== undefined) return contacts[0].channel;
  return error?.code === 'TEXT_UNAVAILABLE' ? 'sms' : 'email';
}

/**
 * The unlock or the registration's code: where and how it went, the code box, Resend and, with two
 * contacts, the other way; the typed code is wiped on submit. No delivery (it failed): Resend only.
 */
export function CodeStep({
  journey,
  delivery,
  contacts,
  error,
}: {
  readonly journey: Extract<Journey, 'unlock' | 'register'>;
  readonly delivery: CodeDelivery | null;
  /** The holder's contacts (an unlock's); none for a registration. */
  readonly contacts: readonly Contact[];
  readonly error: AppError | undefined;
}) {
  const resendCode = useWizardStore((s) => s.resendCode);
  return delivery === null ? (
    <NotSent channel={unsentChannel(contacts, error)} error={error} onResend={resendCode} />
  ) : (
    <CodeForm journey={journey} delivery={delivery} contacts={contacts} error={error} />
  );
}

/** What the screen says of where the code went: by which channel, to which address. */
function SentTo({
  journey,
  delivery,
}: {
  readonly journey: Extract<Journey, 'unlock' | 'register'>;
  readonly delivery: CodeDelivery;
}) {
  const words = wording().code;
  const email = delivery.channel === 'email';
  const delayed = delivery.delayed === true;
  const notes = (
    <>
      {delayed ? <p id="code-delayed">{words.delayed[delivery.channel]}</p> : null}
      {email ? <p>{words.junk}</p> : null}
    </>
  );
  if (journey === 'register') {
    return (
      <>
        <p>{words.registerLead}</p>
        <Inset>
          <p>
            <Emphasised parts={words.sentTo(delivery.maskedAddress)} />
          </p>
          {notes}
        </Inset>
      </>
    );
  }
  return (
    <>
      <p>
        <Emphasised parts={words.sentBy(delivery.channel, delivery.maskedAddress)} />
      </p>
      <p>{words.lead}</p>
      {email || delayed ? <Inset>{notes}</Inset> : null}
    </>
  );
}

/** The design system's inset text, announced as information. */
function Inset({ children }: { readonly children: ReactNode }) {
  return (
    <div className="nhsuk-inset-text">
      <span className="nhsuk-u-visually-hidden">{wording().common.informationPrefix}</span>
      {children}
    </div>
  );
}

/** The code box with where the code went, Resend and the other way. */
function CodeForm({
  journey,
  delivery,
  contacts,
  error,
}: {
  readonly journey: Extract<Journey, 'unlock' | 'register'>;
  readonly delivery: CodeDelivery;
  readonly contacts: readonly Contact[];
  readonly error: AppError | undefined;
}) {
  const words = wording().code;
  const title = journey === 'unlock' ? words.heading : words.registerHeading;
  const submitCode = useWizardStore((s) => s.submitCode);
  const spent = useWizardStore((s) => s.spentDelivery === delivery.resendAvailableAt);
  const [typed, setTyped] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const other =
    contacts.length > 1 ? contacts.find((c) => c.channel !== delivery.channel) : undefined;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const checked = checkCode(typed, delivery);
    if ('problem' in checked) {
      setProblem(checked.problem);
      return;
    }
    setProblem(null);
    setTyped('');
    void submitCode(checked.code);
  };

  const items = fieldSummary(problem, error, 'code');
  if (spent) return <SpentCode title={title} delivery={delivery} other={other} error={error} />;

  return (
    <>
      <StepHead title={title} items={items} error={problem === null ? error : undefined} />
      <SentTo journey={journey} delivery={delivery} />
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
      <Resend delivery={delivery} other={other} />
      {journey === 'unlock' ? <AskDesk /> : null}
    </>
  );
}

/**
 * A code typed wrongly too often (the server's five tries): no box and no Next until a new code is
 * sent, and the summary says what happens next; with no sends left, start again or call the desk.
 */
function SpentCode({
  title,
  delivery,
  other,
  error,
}: {
  readonly title: string;
  readonly delivery: CodeDelivery;
  readonly other: Contact | undefined;
  readonly error: AppError | undefined;
}) {
  const words = wording().code;
  const { desk } = useHelpWording();
  const cancel = useWizardStore((s) => s.cancel);
  const noSends = delivery.sendsLeft === 0;
  // A later refusal (a resend that failed) is said with its own next step; the code stays spent.
  const shown = error ?? appError('CODE_TRIES_EXHAUSTED');
  const own = shown.code === 'CODE_TRIES_EXHAUSTED';
  const next = own ? (noSends ? words.spentNoSends(desk) : words.spentNext) : undefined;
  return (
    <>
      <StepHead title={title} items={[{ text: shown.message }]} error={shown} next={next} />
      {noSends ? (
        <div className="nhsuk-button-group">
          <button className="nhsuk-button" type="button" onClick={() => void cancel()}>
            {wording().failure.startAgain}
          </button>
        </div>
      ) : (
        <Resend delivery={delivery} other={other} spent />
      )}
    </>
  );
}
