import { useHelpWording } from '../components/use-help';
import { useStepHeading } from '../components/use-step-heading';
import type { Journey } from '../store/flow-slice';
import { useWizardStore } from '../store/wizard-store';

const DONE = {
  unlock: {
    title: 'Your Smartcard is unlocked',
    body: 'your Smartcard now works with your new passcode.',
    next: 'We have sent a notice to your registered email address. You can remove your Smartcard, or keep it in and log in as usual.',
  },
  register: {
    title: 'You are registered for Smartcard Unlock',
    body: 'your security questions and email address are saved.',
    next: 'If your Smartcard is ever locked after three wrong passcodes, you can unlock it yourself here by answering your security questions.',
  },
} as const;

/** The end of a flow: the design system's confirmation panel and the help contacts. */
export function DoneStep({
  journey,
  holderName,
}: {
  readonly journey: Journey;
  readonly holderName: string;
}) {
  const wording = DONE[journey];
  const heading = useStepHeading(wording.title);
  const cancel = useWizardStore((s) => s.cancel);
  const { sentence } = useHelpWording();
  return (
    <>
      <div className="nhsuk-panel">
        <h1 className="nhsuk-panel__heading" ref={heading} tabIndex={-1}>
          {wording.title}
        </h1>
        <div className="nhsuk-panel__body">
          {holderName}, {wording.body}
        </div>
      </div>
      <p>{wording.next}</p>
      <p>{sentence}</p>
      <button className="nhsuk-button" type="button" onClick={() => void cancel()}>
        Finish
      </button>
    </>
  );
}
