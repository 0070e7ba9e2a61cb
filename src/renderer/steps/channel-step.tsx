import { useState, type FormEvent } from 'react';
import type { AppError, ErrorCode } from '../../shared/errors';
import type { DeliveryChannel } from '../../shared/http-api';
import type { FlowView } from '../../shared/ipc-contract';
import { wording } from '../../shared/wording';
import { AskDesk } from '../components/ask-desk';
import { FormButtons } from '../components/cancel-button';
import { ErrorSummary, fieldSummary } from '../components/error-summary';
import { describedBy, ErrorMessage, Hint } from '../components/field-parts';
import { useNextStep } from '../components/use-help';
import { useStepHeading } from '../components/use-step-heading';
import { useWizardStore } from '../store/wizard-store';
import { NotSent } from './code-step';
import { HOLDER_WARNING_ID, HolderWarning } from './holder-step';

type View = Extract<FlowView, { kind: 'unlock-channel' }>;

/** Errors of a send that did not go: the holder may choose again, the same way or the other. */
const NOT_SENT: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'MAIL_UNAVAILABLE',
  'TEXT_UNAVAILABLE',
]);

/**
 * Where the code goes: the holder's contacts as radios, the legend the page's heading. With one
 * contact there is nothing to choose (the app sends the code itself), so a failed send shows the
 * unsent message and Resend instead.
 */
export function ChannelStep({
  view,
  error,
  warnHolder,
}: {
  readonly view: View;
  readonly error: AppError | undefined;
  /** The holder's name when the choice must warn whose card it is (no questions came first). */
  readonly warnHolder: string | null;
}) {
  const sendCode = useWizardStore((s) => s.sendCode);
  const [only] = view.contacts;
  if (view.contacts.length === 1 && only !== undefined && error !== undefined) {
    return <NotSent channel={only.channel} error={error} onResend={() => sendCode(only.channel)} />;
  }
  return <ChannelChoice view={view} error={error} warnHolder={warnHolder} />;
}

/**
 * The design system's radios in a fieldset whose legend is the h1, with Continue and Cancel. The
 * holder's warning, when due, sits in the group and is part of its description.
 */
function ChannelChoice({
  view,
  error,
  warnHolder,
}: {
  readonly view: View;
  readonly error: AppError | undefined;
  readonly warnHolder: string | null;
}) {
  const words = wording().channel;
  const heading = useStepHeading(words.heading);
  const nextStep = useNextStep();
  const sendCode = useWizardStore((s) => s.sendCode);
  const [choice, setChoice] = useState<DeliveryChannel | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (choice === null) {
      setProblem(words.empty);
      return;
    }
    setProblem(null);
    void sendCode(choice);
  };

  const id = 'channel';
  const items = fieldSummary(problem, error, `${id}-0`);
  const messages = items.map((item) => item.text);
  const described = [
    warnHolder === null ? undefined : HOLDER_WARNING_ID,
    describedBy(id, true, messages.length > 0),
  ]
    .filter(Boolean)
    .join(' ');
  // This screen has no Resend: a failed send's next step is to choose again.
  const description =
    problem !== null || error === undefined
      ? undefined
      : NOT_SENT.has(error.code)
        ? words.notSentNext
        : nextStep(error);
  return (
    <>
      <ErrorSummary items={items} description={description} />
      <form noValidate onSubmit={onSubmit}>
        <div className={`nhsuk-form-group${messages.length > 0 ? ' nhsuk-form-group--error' : ''}`}>
          <fieldset className="nhsuk-fieldset" aria-describedby={described}>
            <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--l">
              <h1 className="nhsuk-fieldset__heading" ref={heading} tabIndex={-1}>
                {words.heading}
              </h1>
            </legend>
            {warnHolder === null ? null : <HolderWarning holderName={warnHolder} />}
            <Hint id={id}>{words.hint}</Hint>
            <ErrorMessage id={id} messages={messages} />
            <div className="nhsuk-radios">
              {view.contacts.map((contact, index) => (
                <div className="nhsuk-radios__item" key={contact.channel}>
                  <input
                    className="nhsuk-radios__input"
                    id={`${id}-${index}`}
                    name={id}
                    type="radio"
                    value={contact.channel}
                    checked={choice === contact.channel}
                    onChange={() => setChoice(contact.channel)}
                  />
                  <label className="nhsuk-label nhsuk-radios__label" htmlFor={`${id}-${index}`}>
                    {words.option(contact)}
                  </label>
                </div>
              ))}
            </div>
          </fieldset>
        </div>
        <FormButtons submit={words.button} />
      </form>
      <AskDesk />
    </>
  );
}
