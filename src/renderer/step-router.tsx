import { useShallow } from 'zustand/react/shallow';
import { firstStepOf, soleContact, stepOf } from './store/flow-slice';
import { useWizardStore } from './store/wizard-store';
import { ApprovalStep } from './steps/approval-step';
import { BusyStep } from './steps/busy-step';
import { ChangePasscodeStep } from './steps/change-passcode-step';
import { ChannelStep } from './steps/channel-step';
import { CodeStep } from './steps/code-step';
import { DoneStep } from './steps/done-step';
import { FailureStep } from './steps/failure-step';
import { HolderStep } from './steps/holder-step';
import { NewPasscodeStep } from './steps/new-passcode-step';
import { QuestionsStep } from './steps/questions-step';
import { RegisterLoginStep } from './steps/register-login-step';
import { RegisterQuestionsStep } from './steps/register-questions-step';
import { ReinsertCardStep } from './steps/reinsert-card-step';
import { StartStep } from './steps/start-step';

/**
 * Picks the screen for the current FlowView, in the order of the flow's step list from the main
 * process: the holder's warning a step asks for first, and the passcode log-in a first step
 * needs (for 'idle', and again after a wrong passcode). Ends with an exhaustiveness check.
 */
export function StepRouter() {
  const { view, journey, holderConfirmed, actionError, first, step } = useWizardStore(
    useShallow((s) => ({
      view: s.view,
      journey: s.journey,
      holderConfirmed: s.holderConfirmed,
      actionError: s.actionError,
      first: firstStepOf(s.journey, s.flows),
      step: stepOf(s.view, s.flows),
    })),
  );
  const error = (fromView: typeof actionError | undefined) => actionError ?? fromView ?? undefined;
  const logIn = (fromView: typeof actionError | undefined) => (
    <RegisterLoginStep key="register-login" error={error(fromView)} />
  );
  // A step marked confirmHolder warns whose card it is before anything is sent: on its own form
  // (the questions, as in the seed; the choice of contact), or alone when there is nothing to fill.
  const warnHolder =
    step?.confirmHolder === true && !holderConfirmed && 'holderName' in view
      ? view.holderName
      : null;
  const sole = soleContact(view);
  if (warnHolder !== null && sole !== null) {
    return <HolderStep key="holder" holderName={warnHolder} contact={sole} />;
  }

  switch (view.kind) {
    case 'idle':
      return first?.input === 'passcode' ? logIn(undefined) : <StartStep key="start" />;
    case 'busy':
      return <BusyStep key={`busy-${view.step}`} step={view.step} />;
    case 'unlock-questions':
      return <QuestionsStep key={view.kind} view={view} error={error(view.error)} />;
    case 'register-questions':
      return <RegisterQuestionsStep key={view.kind} view={view} error={error(view.error)} />;
    case 'unlock-channel':
      return (
        <ChannelStep
          key={view.kind}
          view={view}
          error={error(view.error)}
          warnHolder={warnHolder}
        />
      );
    case 'unlock-code':
    case 'register-code':
      return (
        <CodeStep
          key={view.kind}
          journey={view.kind === 'register-code' ? 'register' : 'unlock'}
          delivery={view.delivery}
          contacts={view.kind === 'unlock-code' ? view.contacts : []}
          error={error(view.error)}
        />
      );
    case 'unlock-new-passcode':
      return (
        <NewPasscodeStep
          key="unlock-new-passcode"
          policyName={view.policy}
          error={error(view.error)}
        />
      );
    case 'unlock-approval':
      return <ApprovalStep key={`${view.kind}-${view.status}`} view={view} />;
    case 'unlock-done':
    case 'register-done':
      return <DoneStep key={view.kind} journey={journey} holderName={view.holderName} />;
    case 'change-passcode':
      return <ChangePasscodeStep key={view.kind} view={view} error={error(view.error)} />;
    case 'change-done':
      return <DoneStep key={view.kind} journey="change" holderName="" />;
    case 'reinsert-card':
      return <ReinsertCardStep key={view.kind} error={error(view.error)} />;
    case 'failed':
      return first?.input === 'passcode' && view.error.code === 'PASSCODE_WRONG' ? (
        logIn(view.error)
      ) : (
        <FailureStep
          key={`failed-${view.error.code}`}
          error={actionError ?? view.error}
          canRetry={view.canRetry}
          assistedUnlock={view.assistedUnlock === true}
        />
      );
    default: {
      const unreachable: never = view;
      throw new Error(`No screen for the flow view ${JSON.stringify(unreachable)}`);
    }
  }
}
