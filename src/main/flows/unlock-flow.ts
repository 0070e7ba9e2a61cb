import type { AppError, ErrorCode } from '../../shared/errors';
import type { Contact, Question, VerificationModel, VerificationStep } from '../../shared/http-api';
import { approvalReducer, type ApprovalEvent, type ApprovalState } from './approval-states';
import {
  answersReducer,
  attemptMachine,
  channelReducer,
  codeReducer,
  proveReducer,
} from './attempt-states';
import type {
  AttemptEvent,
  AttemptRef,
  AttemptStates,
  ChannelState,
  StepReducer,
} from './attempt-states';

// The unlock flow's states and transition: its steps' reducers in order (attempt-states.ts), plus
// its own last step, the new passcode and the unblock. No state holds a secret.

/** The unblock's sub-steps, shown as progress. */
type UnblockStep = 'unlocking-card' | 'checking-passcode';

/** What the server sends with a proved card for an unlock: the steps it takes, and their data. */
interface UnlockProved {
  readonly holderName: string;
  readonly verification: VerificationModel;
  readonly steps: readonly VerificationStep[];
  readonly contacts: readonly Contact[];
  /** Empty when the server asks none (code-only). */
  readonly questions: readonly Question[];
  readonly answerTriesLeft: number;
}

/** Every state of the unlock flow. */
export type UnlockState =
  | AttemptStates<
      UnlockProved,
      'checking-answers',
      'checking-code',
      { readonly contacts: readonly Contact[] }
    >
  | ChannelState
  | ApprovalState
  | {
      readonly kind: 'new-passcode';
      readonly attempt: AttemptRef;
      readonly holderName: string;
      readonly error?: AppError;
    }
  | {
      readonly kind: 'unblocking';
      readonly attempt: AttemptRef;
      readonly holderName: string;
      readonly step: UnblockStep;
    };

/** What happens: the user's actions and the results of the runner's work. */
export type UnlockEvent =
  | AttemptEvent<UnlockProved>
  | ApprovalEvent
  | { readonly type: 'code-accepted' }
  | { readonly type: 'passcode-invalid'; readonly error: AppError }
  | { readonly type: 'unblock-started' }
  | { readonly type: 'unblock-progress'; readonly step: UnblockStep }
  | { readonly type: 'unlocked' };

/** The state before anything happens. */
export const UNLOCK_IDLE: UnlockState = { kind: 'idle' };

/** The new passcode, then the unblock with its progress, ending on done. */
const unblockReducer: StepReducer<UnlockState, UnlockEvent> = {
  busy: ['unblocking'],
  reduce: (state, event) => {
    if (event.type === 'passcode-invalid') {
      return state.kind === 'new-passcode' ? { ...state, error: event.error } : state;
    }
    if (event.type === 'unblock-started') {
      if (state.kind !== 'new-passcode') return state;
      const { attempt, holderName } = state;
      return { kind: 'unblocking', attempt, holderName, step: 'unlocking-card' };
    }
    if (event.type === 'unblock-progress') {
      return state.kind === 'unblocking' ? { ...state, step: event.step } : state;
    }
    if (event.type !== 'unlocked') return undefined;
    return state.kind === 'unblocking' ? { kind: 'done', holderName: state.holderName } : state;
  },
};

/** Wrong answers (with the tries left) and malformed ones can be answered again. */
// The database away: the server takes the same answers again until a code is stored, so the
// holder presses Continue once it is back instead of proving the card again.
const ANSWER_AGAIN = new Set<ErrorCode>([
  'ANSWERS_WRONG',
  'VALIDATION_FAILED',
  'SERVICE_UNAVAILABLE',
]);

/** After the proof: the questions when the server asks them, else where the code goes. */
function afterProof(proof: Readonly<Record<string, unknown>>): object {
  const { attempt, holderName, contacts, steps } = proof;
  return (steps as UnlockProved['steps']).includes('answers')
    ? { kind: 'questions', ...proof }
    : { kind: 'channel', attempt, holderName, contacts };
}

/**
 * Where a removed card pauses the attempt (the server keeps it, and its next step needs no card):
 * each form, and the server's checks and sends, which the runner lets finish first.
 */
export const UNLOCK_PAUSES: ReadonlySet<string> = new Set([
  'questions',
  'checking-answers',
  'channel',
  'sending-code',
  'code',
  'checking-code',
  'new-passcode',
  'held',
  'asking-desk',
  'approval',
  'approval-expired',
]);

/**
 * The unlock's steps: a 9E proof, the questions and channel the server asks, code, new passcode;
 * the desk's approval first, to take the refusals kept for it. `locked` is the card the flow
 * takes: locked for an unlock, not locked for a forgotten passcode.
 */
const unlockMachine = (locked: boolean) =>
  attemptMachine<UnlockState, UnlockEvent>(
    UNLOCK_IDLE,
    [
      approvalReducer(),
      proveReducer(locked, locked ? 'CARD_NOT_LOCKED' : 'CARD_LOCKED', afterProof),
      answersReducer('checking-answers', ANSWER_AGAIN, (state, error) => ({
        answerTriesLeft: error.details?.triesLeft ?? state.answerTriesLeft,
      })),
      channelReducer(),
      codeReducer('checking-code', 'code-accepted', ({ attempt, holderName }) => ({
        kind: 'new-passcode',
        attempt,
        holderName,
      })),
      unblockReducer,
    ],
    UNLOCK_PAUSES,
  );

const unlock = unlockMachine(true);

/**
 * A forgotten passcode on a card that is not locked: the unlock's states and steps, but a locked
 * card is refused (it is the unlock's), so no guess is needed to reach the reset.
 */
export const {
  transition: forgottenTransition,
  isBusy: isForgottenBusy,
  attemptOf: forgottenAttemptOf,
} = unlockMachine(false);

/**
 * The pure transition function. A card that is not locked needs no unlocking, and the flow must
 * not touch its passcode. Events that make no sense in a state leave it unchanged.
 */
export const unlockTransition = unlock.transition;

/** Whether the runner is working (the screen shows progress and ignores new actions). */
export const isUnlockBusy = unlock.isBusy;

/** Whether a state belongs to an attempt the server knows about (so ending it means cancelling). */
export const unlockAttemptOf = unlock.attemptOf;
