import { appError, type AppError } from '../../shared/errors';
import type { CodeDelivery, Question } from '../../shared/http-api';
import { canRetryAfter, CODE_PROBLEMS, codeNotSent, RESEND_PROBLEMS } from './flow-errors';

/**
 * The unlock flow as data: a discriminated union of states and pure `(state, event) => state`
 * transitions. The runner (flow-runner.ts) performs the card and server work and feeds the
 * results back as events. No state holds a secret: passcodes, PUKs, answers and codes live only
 * in the runner's local variables for the commands that use them. The server checks the code on
 * its own screen; the PUK is asked for only once the new passcode is known (see flow-runner.ts).
 */

/** The attempt the server opened for this card. */
export interface AttemptRef {
  readonly attemptId: string;
  readonly cardId: string;
}

/** The unblock's sub-steps, shown as progress. */
type UnblockStep = 'unlocking-card' | 'checking-passcode';

/** Every state of the unlock flow. */
export type UnlockState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'reading-card' }
  | { readonly kind: 'proving-card'; readonly cardId: string }
  | {
      readonly kind: 'questions';
      readonly attempt: AttemptRef;
      readonly holderName: string;
      readonly questions: readonly Question[];
      readonly answerTriesLeft: number;
      readonly error?: AppError;
    }
  | {
      readonly kind: 'checking-answers';
      readonly attempt: AttemptRef;
      readonly holderName: string;
      readonly questions: readonly Question[];
      readonly answerTriesLeft: number;
    }
  | {
      readonly kind: 'code';
      readonly attempt: AttemptRef;
      readonly holderName: string;
      /** Where the code went; null when the first email could not be sent (Resend is offered). */
      readonly delivery: CodeDelivery | null;
      readonly error?: AppError;
    }
  | {
      readonly kind: 'sending-code';
      readonly attempt: AttemptRef;
      readonly holderName: string;
      readonly delivery: CodeDelivery | null;
    }
  | {
      readonly kind: 'checking-code';
      readonly attempt: AttemptRef;
      readonly holderName: string;
      readonly delivery: CodeDelivery;
    }
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
    }
  | { readonly kind: 'done'; readonly holderName: string }
  | { readonly kind: 'failed'; readonly error: AppError; readonly canRetry: boolean };

/** What happens: the user's actions and the results of the runner's work. */
export type UnlockEvent =
  | { readonly type: 'start' }
  | { readonly type: 'card-read'; readonly cardId: string; readonly blocked: boolean }
  | {
      readonly type: 'card-proved';
      readonly attempt: AttemptRef;
      readonly holderName: string;
      readonly questions: readonly Question[];
      readonly answerTriesLeft: number;
    }
  | { readonly type: 'answers-submitted' }
  | { readonly type: 'answers-accepted'; readonly delivery: CodeDelivery }
  | { readonly type: 'answers-rejected'; readonly error: AppError }
  | { readonly type: 'resend-requested' }
  | { readonly type: 'code-sent'; readonly delivery: CodeDelivery }
  | { readonly type: 'resend-refused'; readonly error: AppError }
  | { readonly type: 'code-invalid'; readonly error: AppError }
  | { readonly type: 'code-submitted' }
  | { readonly type: 'code-accepted' }
  | { readonly type: 'code-rejected'; readonly error: AppError }
  | { readonly type: 'passcode-invalid'; readonly error: AppError }
  | { readonly type: 'unblock-started' }
  | { readonly type: 'unblock-progress'; readonly step: UnblockStep }
  | { readonly type: 'unlocked' }
  | { readonly type: 'failed'; readonly error: AppError }
  | { readonly type: 'card-removed' }
  | { readonly type: 'cancel' };

/** The state before anything happens. */
export const UNLOCK_IDLE: UnlockState = { kind: 'idle' };

const fail = (error: AppError): UnlockState => ({
  kind: 'failed',
  error,
  canRetry: canRetryAfter(error),
});

/** Whether a state belongs to an attempt the server knows about (so ending it means cancelling). */
export function unlockAttemptOf(state: UnlockState): AttemptRef | null {
  return 'attempt' in state ? state.attempt : null;
}

/** Whether the runner is working (the screen shows progress and ignores new actions). */
export function isUnlockBusy(state: UnlockState): boolean {
  return (
    state.kind === 'reading-card' ||
    state.kind === 'proving-card' ||
    state.kind === 'checking-answers' ||
    state.kind === 'sending-code' ||
    state.kind === 'checking-code' ||
    state.kind === 'unblocking'
  );
}

/** The pure transition function. Events that make no sense in a state leave it unchanged. */
export function unlockTransition(state: UnlockState, event: UnlockEvent): UnlockState {
  switch (event.type) {
    case 'cancel':
      return UNLOCK_IDLE;
    case 'card-removed':
      return state.kind === 'idle' || state.kind === 'done' || state.kind === 'failed'
        ? state
        : fail(appError('CARD_REMOVED'));
    case 'failed':
      return state.kind === 'idle' || state.kind === 'done' ? state : fail(event.error);
    case 'start':
      return state.kind === 'idle' || state.kind === 'failed' || state.kind === 'done'
        ? { kind: 'reading-card' }
        : state;
    case 'card-read':
      if (state.kind !== 'reading-card') return state;
      // A card that is not locked needs no unlocking, and the flow must not touch its passcode.
      return event.blocked
        ? { kind: 'proving-card', cardId: event.cardId }
        : fail(appError('CARD_NOT_LOCKED'));
    case 'card-proved':
      if (state.kind !== 'proving-card' || event.attempt.cardId !== state.cardId) return state;
      return {
        kind: 'questions',
        attempt: event.attempt,
        holderName: event.holderName,
        questions: event.questions,
        answerTriesLeft: event.answerTriesLeft,
      };
    case 'answers-submitted':
      if (state.kind !== 'questions') return state;
      return {
        kind: 'checking-answers',
        attempt: state.attempt,
        holderName: state.holderName,
        questions: state.questions,
        answerTriesLeft: state.answerTriesLeft,
      };
    case 'answers-accepted':
      if (state.kind !== 'checking-answers') return state;
      return {
        kind: 'code',
        attempt: state.attempt,
        holderName: state.holderName,
        delivery: event.delivery,
      };
    case 'answers-rejected': {
      if (state.kind !== 'checking-answers') return state;
      if (event.error.code === 'MAIL_UNAVAILABLE') return codeNotSent(state, event.error);
      // Self-service locked, or the attempt ended: the questions cannot be asked again.
      if (event.error.code !== 'ANSWERS_WRONG' && event.error.code !== 'VALIDATION_FAILED') {
        return fail(event.error);
      }
      return {
        kind: 'questions',
        attempt: state.attempt,
        holderName: state.holderName,
        questions: state.questions,
        answerTriesLeft: event.error.details?.triesLeft ?? state.answerTriesLeft,
        error: event.error,
      };
    }
    case 'resend-requested':
      if (state.kind !== 'code') return state;
      return {
        kind: 'sending-code',
        attempt: state.attempt,
        holderName: state.holderName,
        delivery: state.delivery,
      };
    case 'code-sent':
      if (state.kind !== 'sending-code') return state;
      return {
        kind: 'code',
        attempt: state.attempt,
        holderName: state.holderName,
        delivery: event.delivery,
      };
    case 'resend-refused':
      if (state.kind !== 'sending-code') return state;
      if (!RESEND_PROBLEMS.has(event.error.code)) return fail(event.error);
      return { ...state, kind: 'code', error: event.error };
    case 'code-invalid':
      if (state.kind !== 'code') return state;
      return { ...state, error: event.error };
    case 'code-submitted':
      if (state.kind !== 'code' || state.delivery === null) return state;
      return {
        kind: 'checking-code',
        attempt: state.attempt,
        holderName: state.holderName,
        delivery: state.delivery,
      };
    case 'code-accepted':
      if (state.kind !== 'checking-code') return state;
      return { kind: 'new-passcode', attempt: state.attempt, holderName: state.holderName };
    case 'code-rejected': {
      // A wrong, expired or spent code leaves the attempt alive: back to the code screen.
      if (state.kind !== 'checking-code') return state;
      if (!CODE_PROBLEMS.has(event.error.code)) return fail(event.error);
      return {
        kind: 'code',
        attempt: state.attempt,
        holderName: state.holderName,
        delivery: state.delivery,
        error: event.error,
      };
    }
    case 'passcode-invalid':
      if (state.kind !== 'new-passcode') return state;
      return { ...state, error: event.error };
    case 'unblock-started':
      if (state.kind !== 'new-passcode') return state;
      return {
        kind: 'unblocking',
        attempt: state.attempt,
        holderName: state.holderName,
        step: 'unlocking-card',
      };
    case 'unblock-progress':
      if (state.kind !== 'unblocking') return state;
      return { ...state, step: event.step };
    case 'unlocked':
      return state.kind === 'unblocking' ? { kind: 'done', holderName: state.holderName } : state;
  }
}
