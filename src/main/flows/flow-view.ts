import type { FlowView, ProgressStep } from '../../shared/ipc-contract';
import type { PasscodePolicyName } from '../../shared/passcode-policy';
import type { OuterState } from './attempt-states';
import type { PausedState } from './card-pause';
import type { RegistrationState } from './registration-flow';
import type { UnlockState } from './unlock-flow';

// What the renderer sees of a flow: derived from the state, never stored. The card identifier and
// the attempt stay in the main process; no state holds a secret, and nothing here adds one.

const withError = <T extends object>(view: T, error: unknown): T =>
  error === undefined ? view : { ...view, error };

/** The view of the busy states and the endings every flow shares. */
function sharedView(
  state: OuterState | { readonly kind: string },
  progress: Readonly<Record<string, ProgressStep>>,
  done: 'unlock-done' | 'register-done',
): FlowView {
  const step = progress[state.kind];
  if (step !== undefined) return { kind: 'busy', step };
  if (state.kind === 'resuming') return { kind: 'busy', step: 'reading-card' };
  if (state.kind === 'card-out') {
    return withError({ kind: 'reinsert-card' } as const, (state as PausedState).error);
  }
  const outer = state as OuterState;
  if (outer.kind === 'done') return { kind: done, holderName: outer.holderName };
  if (outer.kind === 'failed')
    return { kind: 'failed', error: outer.error, canRetry: outer.canRetry };
  return { kind: 'idle' };
}

const UNLOCK_PROGRESS: Readonly<Record<string, ProgressStep>> = {
  'reading-card': 'reading-card',
  'proving-card': 'proving-card',
  'checking-answers': 'checking-answers',
  'sending-code': 'sending-code',
  'checking-code': 'checking-code',
  'asking-desk': 'asking-desk',
};

/** The view of an unlock state. */
export function unlockView(state: UnlockState, policy: PasscodePolicyName): FlowView {
  if (state.kind === 'unblocking') return { kind: 'busy', step: state.step };
  if (state.kind === 'held') {
    return { kind: 'failed', error: state.error, canRetry: false, assistedUnlock: true };
  }
  if (state.kind === 'approval' || state.kind === 'approval-expired') {
    const { reference, expiresAt, referencesLeft } = state;
    const status = state.kind === 'approval' ? 'waiting' : 'expired';
    const view = { kind: 'unlock-approval', status, reference, expiresAt, referencesLeft } as const;
    return withError(view, state.kind === 'approval' ? undefined : state.error);
  }
  if (state.kind === 'new-passcode') {
    return withError({ kind: 'unlock-new-passcode', policy }, state.error);
  }
  if (state.kind === 'channel') {
    const { holderName, contacts } = state;
    return withError({ kind: 'unlock-channel', holderName, contacts: [...contacts] }, state.error);
  }
  if (state.kind === 'code') {
    const { delivery, contacts } = state;
    return withError({ kind: 'unlock-code', delivery, contacts: [...contacts] }, state.error);
  }
  if (state.kind !== 'questions') return sharedView(state, UNLOCK_PROGRESS, 'unlock-done');
  const { holderName, questions, answerTriesLeft } = state;
  const view = { holderName, questions: [...questions], answerTriesLeft };
  return withError({ kind: 'unlock-questions', ...view } as const, state.error);
}

const REGISTRATION_PROGRESS: Readonly<Record<string, ProgressStep>> = {
  'reading-card': 'reading-card',
  'proving-card': 'proving-card',
  'saving-answers': 'sending-code',
  'sending-code': 'sending-code',
  confirming: 'registering',
};

/** The view of a registration state. */
export function registrationView(state: RegistrationState): FlowView {
  if (state.kind === 'code') {
    return withError({ kind: 'register-code', delivery: state.delivery }, state.error);
  }
  if (state.kind !== 'questions') return sharedView(state, REGISTRATION_PROGRESS, 'register-done');
  const { holderName, maskedEmail, catalogue, questionsRequired, alreadyRegistered } = state;
  const view = {
    holderName,
    maskedEmail,
    catalogue: [...catalogue],
    questionsRequired,
    alreadyRegistered,
  };
  return withError({ kind: 'register-questions', ...view } as const, state.error);
}
