import { appError, type AppError } from '../../shared/errors';
import type { FlowView } from '../../shared/ipc-contract';
import type { PasscodePolicyName } from '../../shared/passcode-policy';
import {
  attemptMachine,
  type AttemptEvent,
  type AttemptRef,
  type StepReducer,
} from './attempt-states';
import { canRetryAfter } from './flow-errors';

// The change of passcode: the card alone, no server. Its states carry the card read at the start
// (as an attempt with no server id, which nothing cancels) and the tries left; never a passcode.

/** The card the flow began with; `attemptId` is empty: the server knows nothing of a change. */
type CardRef = AttemptRef;

/** Every state of the change of passcode. */
export type ChangeState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'reading-card' }
  | {
      readonly kind: 'change-passcode';
      readonly attempt: CardRef;
      readonly triesLeft: number;
      readonly error?: AppError;
    }
  | { readonly kind: 'changing'; readonly attempt: CardRef; readonly triesLeft: number }
  | { readonly kind: 'done' }
  | { readonly kind: 'failed'; readonly error: AppError; readonly canRetry: boolean };

/** What happens: the shared endings, the card read, and the change's own events. */
export type ChangeEvent =
  | Extract<AttemptEvent<object>, { type: 'start' | 'failed' | 'card-removed' | 'cancel' }>
  | {
      readonly type: 'card-read';
      readonly cardId: string;
      readonly blocked: boolean;
      readonly triesLeft: number;
    }
  | { readonly type: 'passcodes-invalid'; readonly error: AppError }
  | { readonly type: 'change-started' }
  | { readonly type: 'change-refused'; readonly error: AppError; readonly triesLeft: number }
  | { readonly type: 'changed' };

/** The state before anything happens. */
export const CHANGE_IDLE: ChangeState = { kind: 'idle' };

const failed = (error: AppError): ChangeState => ({
  kind: 'failed',
  error,
  canRetry: canRetryAfter(error),
});

/** The card read: a locked card is the unlock's business, any other goes on to the form. */
const readReducer: StepReducer<ChangeState, ChangeEvent> = {
  busy: ['reading-card'],
  reduce: (state, event) => {
    if (event.type !== 'card-read') return undefined;
    if (state.kind !== 'reading-card') return state;
    if (event.blocked) return failed(appError('CARD_LOCKED'));
    const attempt = { attemptId: '', cardId: event.cardId };
    return { kind: 'change-passcode', attempt, triesLeft: event.triesLeft };
  },
};

/** The form, the card's change, and a refusal that brings the form back with the tries left. */
const changeReducer: StepReducer<ChangeState, ChangeEvent> = {
  busy: ['changing'],
  reduce: (state, event) => {
    switch (event.type) {
      case 'passcodes-invalid':
        return state.kind === 'change-passcode' ? { ...state, error: event.error } : state;
      case 'change-started':
        if (state.kind !== 'change-passcode') return state;
        return { kind: 'changing', attempt: state.attempt, triesLeft: state.triesLeft };
      case 'change-refused':
        if (state.kind !== 'changing') return state;
        return {
          ...state,
          kind: 'change-passcode',
          triesLeft: event.triesLeft,
          error: event.error,
        };
      case 'changed':
        return state.kind === 'changing' ? { kind: 'done' } : state;
      case 'start':
      case 'card-read':
      case 'failed':
      case 'card-removed':
      case 'cancel':
        return undefined;
    }
  },
};

const change = attemptMachine<ChangeState, ChangeEvent>(CHANGE_IDLE, [readReducer, changeReducer]);

/** The pure transition; an event that makes no sense in a state leaves it unchanged. */
export const changeTransition = change.transition;

/** Whether the runner is working, and the card a state belongs to. */
export const { isBusy: isChangeBusy, attemptOf: changeCardOf } = change;

/** The view of a change state: the form with the tries left, progress, done or failed. */
export function changeView(state: ChangeState, policy: PasscodePolicyName): FlowView {
  switch (state.kind) {
    case 'idle':
      return { kind: 'idle' };
    case 'reading-card':
      return { kind: 'busy', step: 'reading-card' };
    case 'changing':
      return { kind: 'busy', step: 'changing-passcode' };
    case 'change-passcode': {
      const view = { kind: 'change-passcode', policy, triesLeft: state.triesLeft } as const;
      return state.error === undefined ? view : { ...view, error: state.error };
    }
    case 'done':
      return { kind: 'change-done' };
    case 'failed':
      return { kind: 'failed', error: state.error, canRetry: state.canRetry };
  }
}
