import type { AppError, ErrorCode } from '../../shared/errors';
import type { ApprovalIssued } from '../../shared/http-api';
import type { AttemptRef, StepReducer } from './attempt-states';
import { canRetryAfter } from './flow-errors';

// The desk's approval of an unlock (docs/decisions/0025-assisted-unlock.md): its states and its
// pure reducer. No state holds a secret: the reference is read aloud, and unlocks nothing alone.

/** What every approval state carries. */
interface InAttempt {
  readonly attempt: AttemptRef;
  /** Empty when the proof refused the card before it said the name (the approval says it). */
  readonly holderName: string;
}

/**
 * Self-service refused but the attempt kept for the desk (`held`), the reference being asked
 * for (`asking-desk`, with the state to go back to), the wait, and the reference expired.
 */
export type ApprovalState =
  | (InAttempt & { readonly kind: 'held'; readonly error: AppError })
  | (InAttempt & { readonly kind: 'asking-desk'; readonly back: { readonly kind: string } })
  | (InAttempt & ApprovalIssued & { readonly kind: 'approval' })
  | (InAttempt & ApprovalIssued & { readonly kind: 'approval-expired'; readonly error?: AppError });

/** The holder asks, the server answers, and what each question about the desk's approval finds. */
export type ApprovalEvent =
  | { readonly type: 'desk-asked' }
  | { readonly type: 'approval-issued'; readonly issued: ApprovalIssued }
  | { readonly type: 'approval-refused'; readonly error: AppError }
  | {
      readonly type: 'approval-pending';
      readonly expiresAt: string;
      readonly pollAfterSeconds: number;
    }
  | { readonly type: 'approval-expired'; readonly referencesLeft: number }
  | { readonly type: 'approved'; readonly holderName: string };

/** Where the holder may ask for the desk's approval: each form after the proof, and a refusal. */
export const ASK_DESK_FROM: readonly string[] = [
  'questions',
  'channel',
  'code',
  'held',
  'approval-expired',
];

/** Refusals of a request for a reference that asking again can cure: the screen stays. */
const ASK_AGAIN = new Set<ErrorCode>([
  'SERVER_UNREACHABLE',
  'SERVER_ERROR',
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
]);

type Loose = { readonly kind: string } & Partial<InAttempt> & Readonly<Record<string, unknown>>;
type LooseEvent = { readonly type: string } & Readonly<Record<string, unknown>>;

/** Where a refusal that keeps the attempt for the desk comes from: the proof, answers, a code. */
const REFUSED_IN: Readonly<Record<string, string>> = {
  held: 'proving-card',
  'answers-rejected': 'checking-answers',
  'code-rejected': 'checking-code',
};

/** A self-service refusal whose details say the attempt is kept for the desk. */
function heldBy(state: Loose, event: LooseEvent): object | undefined {
  const error = event.error as AppError | undefined;
  if (REFUSED_IN[event.type] !== state.kind || error?.details?.assistedUnlock !== true) {
    return undefined;
  }
  const attempt = (event.attempt ?? state.attempt) as AttemptRef;
  return { kind: 'held', attempt, holderName: state.holderName ?? '', error };
}

/** The approval's transitions, on the loose shapes the shared reducers use. */
function reduce(state: Loose, event: LooseEvent): object | undefined {
  const held = heldBy(state, event);
  if (held !== undefined) return held;
  const at = { attempt: state.attempt, holderName: state.holderName ?? '' };
  switch (event.type) {
    case 'desk-asked': {
      if (!ASK_DESK_FROM.includes(state.kind)) return state;
      const { error: _error, ...back } = state;
      return { kind: 'asking-desk', ...at, back };
    }
    case 'approval-issued':
      return state.kind === 'asking-desk'
        ? { kind: 'approval', ...at, ...(event.issued as ApprovalIssued) }
        : state;
    case 'approval-refused': {
      if (state.kind !== 'asking-desk') return state;
      const error = event.error as AppError;
      if (ASK_AGAIN.has(error.code)) return { ...(state.back as object), error };
      return { kind: 'failed', error, canRetry: canRetryAfter(error) };
    }
    case 'approval-pending': {
      if (state.kind !== 'approval') return state;
      return { ...state, expiresAt: event.expiresAt, pollAfterSeconds: event.pollAfterSeconds };
    }
    case 'approval-expired':
      return state.kind === 'approval'
        ? { ...state, kind: 'approval-expired', referencesLeft: event.referencesLeft }
        : state;
    case 'approved':
      return state.kind === 'approval'
        ? { kind: 'new-passcode', attempt: state.attempt, holderName: event.holderName }
        : state;
    default:
      return undefined;
  }
}

/**
 * The desk's approval as one step of the unlock's machine, first in its list so that a refusal
 * keeping the attempt for the desk is taken before the questions' and the code's own.
 */
export const approvalReducer = <S, E>(): StepReducer<S, E> => ({
  busy: ['asking-desk'],
  reduce: (state, event) =>
    reduce(state as unknown as Loose, event as unknown as LooseEvent) as S | undefined,
});
