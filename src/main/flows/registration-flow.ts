import { appError, type AppError } from '../../shared/errors';
import type { CodeDelivery, Question } from '../../shared/http-api';
import { canRetryAfter, CODE_PROBLEMS, codeNotSent, RESEND_PROBLEMS } from './flow-errors';
import type { AttemptRef } from './unlock-flow';

/**
 * The registration flow as data (see unlock-flow.ts for the pattern). The passcode the holder
 * logs in with and the answers they choose are never part of a state.
 */

/** Every state of the registration flow. */
export type RegistrationState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'reading-card' }
  | { readonly kind: 'proving-card'; readonly cardId: string }
  | {
      readonly kind: 'questions';
      readonly attempt: AttemptRef;
      readonly holderName: string;
      readonly maskedEmail: string;
      readonly catalogue: readonly Question[];
      readonly questionsRequired: number;
      readonly error?: AppError;
    }
  | {
      readonly kind: 'saving-answers';
      readonly attempt: AttemptRef;
      readonly holderName: string;
      readonly maskedEmail: string;
      readonly catalogue: readonly Question[];
      readonly questionsRequired: number;
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
      readonly kind: 'confirming';
      readonly attempt: AttemptRef;
      readonly holderName: string;
      readonly delivery: CodeDelivery;
    }
  | { readonly kind: 'done'; readonly holderName: string }
  | { readonly kind: 'failed'; readonly error: AppError; readonly canRetry: boolean };

/** What happens during a registration. */
export type RegistrationEvent =
  | { readonly type: 'start' }
  | { readonly type: 'card-read'; readonly cardId: string; readonly blocked: boolean }
  | {
      readonly type: 'card-proved';
      readonly attempt: AttemptRef;
      readonly holderName: string;
      readonly maskedEmail: string;
      readonly catalogue: readonly Question[];
      readonly questionsRequired: number;
    }
  | { readonly type: 'answers-submitted' }
  | { readonly type: 'answers-accepted'; readonly delivery: CodeDelivery }
  | { readonly type: 'answers-rejected'; readonly error: AppError }
  | { readonly type: 'resend-requested' }
  | { readonly type: 'code-sent'; readonly delivery: CodeDelivery }
  | { readonly type: 'resend-refused'; readonly error: AppError }
  | { readonly type: 'code-submitted' }
  | { readonly type: 'code-invalid'; readonly error: AppError }
  | { readonly type: 'code-rejected'; readonly error: AppError }
  | { readonly type: 'confirmed' }
  | { readonly type: 'failed'; readonly error: AppError }
  | { readonly type: 'card-removed' }
  | { readonly type: 'cancel' };

/** The state before anything happens. */
export const REGISTRATION_IDLE: RegistrationState = { kind: 'idle' };

const fail = (error: AppError): RegistrationState => ({
  kind: 'failed',
  error,
  canRetry: canRetryAfter(error),
});

/** The attempt a state belongs to, if the server has opened one. */
export function registrationAttemptOf(state: RegistrationState): AttemptRef | null {
  return 'attempt' in state ? state.attempt : null;
}

/** Whether the runner is working on this state. */
export function isRegistrationBusy(state: RegistrationState): boolean {
  return (
    state.kind === 'reading-card' ||
    state.kind === 'proving-card' ||
    state.kind === 'saving-answers' ||
    state.kind === 'sending-code' ||
    state.kind === 'confirming'
  );
}

/** The pure transition function. Events that make no sense in a state leave it unchanged. */
export function registrationTransition(
  state: RegistrationState,
  event: RegistrationEvent,
): RegistrationState {
  switch (event.type) {
    case 'cancel':
      return REGISTRATION_IDLE;
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
      // A locked card must not get a passcode try (it would be refused, and it is the unlock's job).
      return event.blocked
        ? fail(appError('CARD_LOCKED'))
        : { kind: 'proving-card', cardId: event.cardId };
    case 'card-proved':
      if (state.kind !== 'proving-card' || event.attempt.cardId !== state.cardId) return state;
      return {
        kind: 'questions',
        attempt: event.attempt,
        holderName: event.holderName,
        maskedEmail: event.maskedEmail,
        catalogue: event.catalogue,
        questionsRequired: event.questionsRequired,
      };
    case 'answers-submitted':
      if (state.kind !== 'questions') return state;
      return {
        kind: 'saving-answers',
        attempt: state.attempt,
        holderName: state.holderName,
        maskedEmail: state.maskedEmail,
        catalogue: state.catalogue,
        questionsRequired: state.questionsRequired,
      };
    case 'answers-accepted':
      if (state.kind !== 'saving-answers') return state;
      return {
        kind: 'code',
        attempt: state.attempt,
        holderName: state.holderName,
        delivery: event.delivery,
      };
    case 'answers-rejected':
      if (state.kind !== 'saving-answers') return state;
      if (event.error.code === 'MAIL_UNAVAILABLE') return codeNotSent(state, event.error);
      if (event.error.code !== 'VALIDATION_FAILED') return fail(event.error);
      return { ...state, kind: 'questions', error: event.error };
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
    case 'code-submitted':
      if (state.kind !== 'code' || state.delivery === null) return state;
      return {
        kind: 'confirming',
        attempt: state.attempt,
        holderName: state.holderName,
        delivery: state.delivery,
      };
    case 'code-invalid':
      if (state.kind !== 'code') return state;
      return { ...state, error: event.error };
    case 'code-rejected':
      if (state.kind !== 'confirming') return state;
      if (!CODE_PROBLEMS.has(event.error.code)) return fail(event.error);
      return { ...state, kind: 'code', error: event.error };
    case 'confirmed':
      return state.kind === 'confirming' ? { kind: 'done', holderName: state.holderName } : state;
  }
}
