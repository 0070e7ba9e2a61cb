import type { DeliveryChannel } from '../../shared/http-api';
import type { AnswerInput, InvokeRequest } from '../../shared/ipc-contract';
import { FLOWS } from './flows';
import { StepRunner } from './step-runner';

const { unlock, register, change, forgotten } = FLOWS;
type Answers = readonly AnswerInput[];

/**
 * The flows as the IPC channels name them: `<flow>:<action>` is one action of that flow's list
 * (flows.ts), run by the step runner; secrets pass through as arguments only.
 */
export class FlowRunner extends StepRunner {
  /** How the server checks holders, for the start screen (not a step: no attempt is opened). */
  readonly service = () => this.deps.server.unlockService();

  readonly unlockStart = () => this.act(unlock, 'start', {});
  readonly unlockAnswer = (answers: Answers) => this.act(unlock, 'answer', { answers });
  readonly unlockSendCode = (channel: DeliveryChannel) =>
    this.act(unlock, 'send-code', { channel });
  readonly unlockResendCode = () => this.act(unlock, 'resend-code', {});
  readonly unlockSubmitCode = (code: string) => this.act(unlock, 'submit-code', { code });
  readonly unlockSetPasscode = (passcode: string, confirmation: string) =>
    this.act(unlock, 'set-passcode', { passcode, confirmation });
  readonly unlockAskDesk = () => this.act(unlock, 'ask-desk', {});

  readonly registerStart = (passcode: string) => this.act(register, 'start', { passcode });
  readonly registerAnswer = (answers: Answers) => this.act(register, 'answer', { answers });
  readonly registerResendCode = () => this.act(register, 'resend-code', {});
  readonly registerSubmitCode = (code: string) => this.act(register, 'submit-code', { code });

  readonly forgottenStart = () => this.act(forgotten, 'start', {});
  readonly forgottenAnswer = (answers: Answers) => this.act(forgotten, 'answer', { answers });
  readonly forgottenSendCode = (channel: DeliveryChannel) =>
    this.act(forgotten, 'send-code', { channel });
  readonly forgottenResendCode = () => this.act(forgotten, 'resend-code', {});
  readonly forgottenSubmitCode = (code: string) => this.act(forgotten, 'submit-code', { code });
  readonly forgottenSetPasscode = (passcode: string, confirmation: string) =>
    this.act(forgotten, 'set-passcode', { passcode, confirmation });
  readonly forgottenAskDesk = () => this.act(forgotten, 'ask-desk', {});

  readonly changeStart = () => this.act(change, 'start', {});
  readonly changeSubmitPasscodes = (request: InvokeRequest<'change:submit-passcodes'>) =>
    this.act(change, 'submit-passcodes', request);
}
