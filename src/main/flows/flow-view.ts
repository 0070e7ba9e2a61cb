import type { FlowView } from '../../shared/ipc-contract';
import type { PasscodePolicyName } from '../../shared/passcode-policy';
import type { RegistrationState } from './registration-flow';
import type { UnlockState } from './unlock-flow';

/**
 * What the renderer sees of a flow: derived from the state, never stored. The card identifier and
 * the attempt stay in the main process; no state holds a secret, and nothing here adds one.
 */

/** The active flow, if any. */
export type ActiveFlow =
  | { readonly flow: 'none' }
  | { readonly flow: 'unlock'; readonly state: UnlockState }
  | { readonly flow: 'register'; readonly state: RegistrationState };

const withError = <T extends object>(view: T, error: unknown): T =>
  error === undefined ? view : { ...view, error };

/** The view of an unlock state. */
export function unlockView(state: UnlockState, policy: PasscodePolicyName): FlowView {
  switch (state.kind) {
    case 'idle':
      return { kind: 'idle' };
    case 'reading-card':
      return { kind: 'busy', step: 'reading-card' };
    case 'proving-card':
      return { kind: 'busy', step: 'proving-card' };
    case 'checking-answers':
      return { kind: 'busy', step: 'checking-answers' };
    case 'sending-code':
      return { kind: 'busy', step: 'sending-code' };
    case 'checking-code':
      return { kind: 'busy', step: 'checking-code' };
    case 'unblocking':
      return { kind: 'busy', step: state.step };
    case 'questions':
      return withError(
        {
          kind: 'unlock-questions',
          holderName: state.holderName,
          questions: [...state.questions],
          answerTriesLeft: state.answerTriesLeft,
        },
        state.error,
      );
    case 'code':
      return withError({ kind: 'unlock-code', delivery: state.delivery }, state.error);
    case 'new-passcode':
      return withError({ kind: 'unlock-new-passcode', policy }, state.error);
    case 'done':
      return { kind: 'unlock-done', holderName: state.holderName };
    case 'failed':
      return { kind: 'failed', error: state.error, canRetry: state.canRetry };
  }
}

/** The view of a registration state. */
export function registrationView(state: RegistrationState): FlowView {
  switch (state.kind) {
    case 'idle':
      return { kind: 'idle' };
    case 'reading-card':
      return { kind: 'busy', step: 'reading-card' };
    case 'proving-card':
      return { kind: 'busy', step: 'proving-card' };
    case 'saving-answers':
    case 'sending-code':
      return { kind: 'busy', step: 'sending-code' };
    case 'confirming':
      return { kind: 'busy', step: 'registering' };
    case 'questions':
      return withError(
        {
          kind: 'register-questions',
          holderName: state.holderName,
          maskedEmail: state.maskedEmail,
          catalogue: [...state.catalogue],
          questionsRequired: state.questionsRequired,
        },
        state.error,
      );
    case 'code':
      return withError({ kind: 'register-code', delivery: state.delivery }, state.error);
    case 'done':
      return { kind: 'register-done', holderName: state.holderName };
    case 'failed':
      return { kind: 'failed', error: state.error, canRetry: state.canRetry };
  }
}

/** The view of whatever flow is active. */
export function flowView(active: ActiveFlow, policy: PasscodePolicyName): FlowView {
  switch (active.flow) {
    case 'none':
      return { kind: 'idle' };
    case 'unlock':
      return unlockView(active.state, policy);
    case 'register':
      return registrationView(active.state);
  }
}
