import type { FlowRunner } from '../../flows/flow-runner';
import { flowStepLists } from '../../flows/flows';
import type { InvokeHandlers } from '../dispatch';

/** The flow channels: `flow:`, `unlock:`, `register:`, `forgotten:` and `change:`. */
type FlowChannels =
  | 'flow:get-view'
  | 'flow:get-steps'
  | 'flow:get-service'
  | 'flow:cancel'
  | 'flow:resume'
  | 'unlock:start'
  | 'unlock:answer'
  | 'unlock:send-code'
  | 'unlock:resend-code'
  | 'unlock:submit-code'
  | 'unlock:set-passcode'
  | 'unlock:ask-desk'
  | 'register:start'
  | 'register:answer'
  | 'register:resend-code'
  | 'register:submit-code'
  | 'forgotten:start'
  | 'forgotten:answer'
  | 'forgotten:send-code'
  | 'forgotten:resend-code'
  | 'forgotten:submit-code'
  | 'forgotten:set-passcode'
  | 'forgotten:ask-desk'
  | 'change:start'
  | 'change:submit-passcodes';

/** What the flow handlers call: the runner's public steps. */
export type FlowPort = Pick<
  FlowRunner,
  | 'view'
  | 'cancel'
  | 'resume'
  | 'service'
  | 'unlockStart'
  | 'unlockAnswer'
  | 'unlockSendCode'
  | 'unlockResendCode'
  | 'unlockSubmitCode'
  | 'unlockSetPasscode'
  | 'unlockAskDesk'
  | 'registerStart'
  | 'registerAnswer'
  | 'registerResendCode'
  | 'registerSubmitCode'
  | 'forgottenStart'
  | 'forgottenAnswer'
  | 'forgottenSendCode'
  | 'forgottenResendCode'
  | 'forgottenSubmitCode'
  | 'forgottenSetPasscode'
  | 'forgottenAskDesk'
  | 'changeStart'
  | 'changeSubmitPasscodes'
>;

/** Maps each flow channel to one step of the runner; the request is already parsed. */
export function flowHandlers(flows: FlowPort): Pick<InvokeHandlers, FlowChannels> {
  return {
    'flow:get-view': () => ({ ok: true, value: flows.view() }),
    'flow:get-steps': () => ({ ok: true, value: flowStepLists() }),
    'flow:get-service': () => flows.service(),
    'flow:cancel': () => flows.cancel(),
    'flow:resume': () => flows.resume(),
    'unlock:start': () => flows.unlockStart(),
    'unlock:answer': ({ answers }) => flows.unlockAnswer(answers),
    'unlock:send-code': ({ channel }) => flows.unlockSendCode(channel),
    'unlock:resend-code': () => flows.unlockResendCode(),
    'unlock:submit-code': ({ code }) => flows.unlockSubmitCode(code),
    'unlock:set-passcode': ({ passcode, confirmation }) =>
      flows.unlockSetPasscode(passcode, confirmation),
    'unlock:ask-desk': () => flows.unlockAskDesk(),
    'register:start': ({ passcode }) => flows.registerStart(passcode),
    'register:answer': ({ answers }) => flows.registerAnswer(answers),
    'register:resend-code': () => flows.registerResendCode(),
    'register:submit-code': ({ code }) => flows.registerSubmitCode(code),
    'forgotten:start': () => flows.forgottenStart(),
    'forgotten:answer': ({ answers }) => flows.forgottenAnswer(answers),
    'forgotten:send-code': ({ channel }) => flows.forgottenSendCode(channel),
    'forgotten:resend-code': () => flows.forgottenResendCode(),
    'forgotten:submit-code': ({ code }) => flows.forgottenSubmitCode(code),
    'forgotten:set-passcode': ({ passcode, confirmation }) =>
      flows.forgottenSetPasscode(passcode, confirmation),
    'forgotten:ask-desk': () => flows.forgottenAskDesk(),
    'change:start': () => flows.changeStart(),
    'change:submit-passcodes': (request) => flows.changeSubmitPasscodes(request),
  };
}
