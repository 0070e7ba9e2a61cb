import { useShallow } from 'zustand/react/shallow';
import { useWizardStore } from './store/wizard-store';
import { BusyStep } from './steps/busy-step';
import { CodeStep } from './steps/code-step';
import { DoneStep } from './steps/done-step';
import { FailureStep } from './steps/failure-step';
import { HolderStep } from './steps/holder-step';
import { NewPasscodeStep } from './steps/new-passcode-step';
import { QuestionsStep } from './steps/questions-step';
import { RegisterLoginStep } from './steps/register-login-step';
import { RegisterQuestionsStep } from './steps/register-questions-step';
import { StartStep } from './steps/start-step';

/**
 * Picks the step component for the current FlowView. The renderer's own sub-steps are derived
 * here: the holder warning before the questions, and the passcode log-in that stands for 'idle'
 * (and for a wrong passcode) during registration. Ends with an exhaustiveness check, so a new
 * FlowView kind fails the type check until it has a screen.
 */
export function StepRouter() {
  const { view, journey, holderConfirmed, actionError } = useWizardStore(
    useShallow((s) => ({
      view: s.view,
      journey: s.journey,
      holderConfirmed: s.holderConfirmed,
      actionError: s.actionError,
    })),
  );
  const error = (fromView: typeof actionError | undefined) => actionError ?? fromView ?? undefined;

  switch (view.kind) {
    case 'idle':
      return journey === 'register' ? (
        <RegisterLoginStep key="register-login" error={error(undefined)} />
      ) : (
        <StartStep key="start" />
      );
    case 'busy':
      return <BusyStep key={`busy-${view.step}`} step={view.step} />;
    case 'unlock-questions':
      return holderConfirmed ? (
        <QuestionsStep
          key="unlock-questions"
          holderName={view.holderName}
          questions={view.questions}
          answerTriesLeft={view.answerTriesLeft}
          error={error(view.error)}
        />
      ) : (
        <HolderStep key="unlock-holder" holderName={view.holderName} />
      );
    case 'unlock-code':
      return (
        <CodeStep
          key="unlock-code"
          journey="unlock"
          delivery={view.delivery}
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
    case 'unlock-done':
      return <DoneStep key="unlock-done" journey="unlock" holderName={view.holderName} />;
    case 'register-questions':
      return (
        <RegisterQuestionsStep
          key="register-questions"
          holderName={view.holderName}
          maskedEmail={view.maskedEmail}
          catalogue={view.catalogue}
          questionsRequired={view.questionsRequired}
          error={error(view.error)}
        />
      );
    case 'register-code':
      return (
        <CodeStep
          key="register-code"
          journey="register"
          delivery={view.delivery}
          error={error(view.error)}
        />
      );
    case 'register-done':
      return <DoneStep key="register-done" journey="register" holderName={view.holderName} />;
    case 'failed':
      return journey === 'register' && view.error.code === 'PASSCODE_WRONG' ? (
        <RegisterLoginStep key="register-login" error={error(view.error)} />
      ) : (
        <FailureStep
          key={`failed-${view.error.code}`}
          error={actionError ?? view.error}
          canRetry={view.canRetry}
        />
      );
    default: {
      const unreachable: never = view;
      throw new Error(`No screen for the flow view ${JSON.stringify(unreachable)}`);
    }
  }
}
