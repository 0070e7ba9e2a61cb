import { appError, type AppError, type ErrorCode } from '../../shared/errors';
import type { CodeDelivery, Contact, DeliveryChannel } from '../../shared/http-api';
import type { PivKeySlot } from '../card/types';
import { pauseReducer, type PauseEvent, type PausedState } from './card-pause';
import {
  canRetryAfter,
  CODE_PROBLEMS,
  NOT_SENT,
  RESEND_PROBLEMS,
  SEND_PROBLEMS,
} from './flow-errors';

// The states and pure reducers every flow is built from: a flow's transition is its list of step
// reducers (docs/decisions/0018-desktop-step-runner.md). No state holds a secret.

/** The attempt the server opened for this card. */
export interface AttemptRef {
  readonly attemptId: string;
  readonly cardId: string;
  /** The card's signature the server accepted, to know the same card when it comes back. */
  readonly proof?: CardProof;
}

/** A proof as the card made it: the key's slot, the message it signed, the DER signature. */
export interface CardProof {
  readonly slot: PivKeySlot;
  readonly message: string;
  readonly signature: Uint8Array;
}

/** What every state inside an attempt carries. */
interface InAttempt {
  readonly attempt: AttemptRef;
  readonly holderName: string;
}

/** The states every flow begins and ends with, around its own steps. */
export type OuterState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'reading-card' }
  | { readonly kind: 'proving-card'; readonly cardId: string }
  | { readonly kind: 'done'; readonly holderName: string }
  | { readonly kind: 'failed'; readonly error: AppError; readonly canRetry: boolean };

/** The questions step: the form with what the proof brought (`F`), and the wait for the server. */
type QuestionStates<F, Busy extends string> =
  | (InAttempt & F & { readonly kind: 'questions'; readonly error?: AppError })
  | (InAttempt & F & { readonly kind: Busy });

/**
 * The code step: the form, a send under way, and the server checking the code; `C` is what the
 * flow carries through them (an unlock's contacts, for sending the code another way).
 */
type CodeStates<Checking extends string, C> =
  | (InAttempt &
      C & {
        readonly kind: 'code';
        /** Where the code went; null when the first message was not sent (Resend is offered). */
        readonly delivery: CodeDelivery | null;
        readonly error?: AppError;
      })
  | (InAttempt & C & { readonly kind: 'sending-code'; readonly delivery: CodeDelivery | null })
  | (InAttempt & C & { readonly kind: Checking; readonly delivery: CodeDelivery });

/**
 * The states of a flow that proves the card, asks questions (waiting in `Answering`) and checks a
 * code (waiting in `Checking`); `F` is what the proof brings to the questions, `C` see CodeStates.
 */
export type AttemptStates<F, Answering extends string, Checking extends string, C = object> =
  OuterState | PausedState | QuestionStates<F, Answering> | CodeStates<Checking, C>;

/** The choice of where the code goes (an unlock's), with what a failed send said. */
export type ChannelState = InAttempt & {
  readonly kind: 'channel';
  readonly contacts: readonly Contact[];
  readonly error?: AppError;
};

/** The events every flow shares; `P` is what the server sends once the card is proved. */
export type AttemptEvent<P> =
  | { readonly type: 'start' }
  | {
      readonly type: 'card-read';
      readonly cardId: string;
      readonly blocked: boolean;
      /** The passcode tries left, read without spending one. */
      readonly triesLeft?: number;
    }
  | ({ readonly type: 'card-proved'; readonly attempt: AttemptRef } & P)
  /** The proof refused self-service but kept the attempt for the desk's approval (ADR 0025). */
  | { readonly type: 'held'; readonly attempt: AttemptRef; readonly error: AppError }
  | { readonly type: 'answers-submitted' }
  | { readonly type: 'answers-accepted'; readonly delivery: CodeDelivery }
  /** Right answers, and the holder chooses where the code goes (the channel step's flows). */
  | { readonly type: 'channel-next' }
  | { readonly type: 'answers-rejected'; readonly error: AppError }
  | { readonly type: 'send-requested'; readonly channel: DeliveryChannel }
  | { readonly type: 'send-refused'; readonly error: AppError }
  | { readonly type: 'resend-requested' }
  | { readonly type: 'code-sent'; readonly delivery: CodeDelivery }
  | { readonly type: 'resend-refused'; readonly error: AppError }
  | { readonly type: 'code-invalid'; readonly error: AppError }
  | { readonly type: 'code-submitted' }
  | { readonly type: 'code-rejected'; readonly error: AppError }
  | { readonly type: 'failed'; readonly error: AppError }
  | { readonly type: 'card-removed' }
  | PauseEvent
  | { readonly type: 'cancel' };

/**
 * One step's share of a flow's state machine: the states in which it waits on the runner's work,
 * and how it takes an event (undefined when the event is not its own).
 */
export interface StepReducer<S, E> {
  readonly busy: readonly string[];
  readonly reduce: (state: S, event: E) => S | undefined;
}

/** A flow's state machine, built from its steps' reducers in order. */
interface AttemptMachine<S, E> {
  /** The pure transition; an event that makes no sense in a state leaves it unchanged. */
  readonly transition: (state: S, event: E) => S;
  /** Whether the runner is working (the screen shows progress and ignores new actions). */
  readonly isBusy: (state: S) => boolean;
  /** The attempt a state belongs to, if the server has opened one (ending it means cancelling). */
  readonly attemptOf: (state: S) => AttemptRef | null;
}

/** A state as the shared reducers read it; each flow's own types are checked where it is built. */
type Loose = { readonly kind: string } & Partial<InAttempt> & Record<string, unknown>;
type LooseEvent = AttemptEvent<object>;
type Step = (state: Loose, event: LooseEvent) => object | undefined;

/** Gives a shared reducer a flow's own state and event types. */
const typed = <S, E>(busy: readonly string[], step: Step): StepReducer<S, E> => ({
  busy,
  reduce: (state, event) => step(state as Loose, event as LooseEvent) as S | undefined,
});

/** Ends a flow with an error; Retry is offered when starting again can help. */
const failedState = (error: AppError): OuterState => ({
  kind: 'failed',
  error,
  canRetry: canRetryAfter(error),
});

/** What a state inside an attempt hands on to the next: the attempt, the holder, any contacts. */
const inAttempt = (state: Loose): InAttempt => ({
  attempt: state.attempt as AttemptRef,
  holderName: state.holderName as string,
  ...(state.contacts === undefined ? {} : { contacts: state.contacts }),
});

/**
 * Builds a flow's machine from its steps; an event no step takes leaves the state as it is. A
 * removed card pauses the attempt in the states `pauses` names (card-pause.ts) and ends it elsewhere.
 */
export function attemptMachine<S extends { readonly kind: string }, E>(
  idle: S,
  steps: readonly StepReducer<S, E>[],
  pauses: ReadonlySet<string> = new Set(),
): AttemptMachine<S, E> {
  const busy = new Set(['resuming', ...steps.flatMap((step) => step.busy)]);
  const paused = pauseReducer(pauses, busy) as Step;
  const all = [typed<S, E>([], paused), typed<S, E>([], endings(idle)), ...steps];
  return {
    transition: (state, event) => {
      for (const step of all) {
        const next = step.reduce(state, event);
        if (next !== undefined) return next;
      }
      return state;
    },
    isBusy: (state) => busy.has(state.kind),
    attemptOf: (state) => ('attempt' in state ? (state.attempt as AttemptRef) : null),
  };
}

/** Start, cancel, a failure and a removed card: the same in every flow. */
const endings =
  (idle: Loose): Step =>
  (state, event) => {
    const settled = state.kind === 'idle' || state.kind === 'done';
    if (event.type === 'cancel') return idle;
    if (event.type === 'card-removed') {
      return settled || state.kind === 'failed' ? state : failedState(appError('CARD_REMOVED'));
    }
    if (event.type === 'failed') return settled ? state : failedState(event.error);
    if (event.type !== 'start') return undefined;
    return settled || state.kind === 'failed' ? { kind: 'reading-card' } : state;
  };

/**
 * Reading and proving the card. `locked` is what the flow needs the card to be; any other card
 * ends it with `refusal` before a passcode or a proof is tried (a card not locked says its tries).
 * `proved` is the state the proof leads to: the questions, unless the flow says otherwise.
 */
export const proveReducer = <S, E>(
  locked: boolean,
  refusal: ErrorCode,
  proved: (proof: Readonly<Record<string, unknown>>) => object = (proof) => ({
    kind: 'questions',
    ...proof,
  }),
): StepReducer<S, E> =>
  typed(['reading-card', 'proving-card'], (state, event) => {
    if (event.type === 'card-read') {
      if (state.kind !== 'reading-card') return state;
      if (event.blocked === locked) return { kind: 'proving-card', cardId: event.cardId };
      const { triesLeft } = event;
      return failedState(appError(refusal, locked && triesLeft ? { triesLeft } : undefined));
    }
    if (event.type !== 'card-proved') return undefined;
    if (state.kind !== 'proving-card' || event.attempt.cardId !== state.cardId) return state;
    const { type: _type, ...proof } = event;
    return proved(proof);
  });

/**
 * The questions: sent, then waiting in `busy`; a refusal coded in `again` returns to the form,
 * adjusted by `retry` (the tries left, say); any other refusal ends the flow.
 */
export const answersReducer = <S, E>(
  busy: string,
  again: ReadonlySet<ErrorCode>,
  retry: (state: Loose, error: AppError) => object = () => ({}),
): StepReducer<S, E> =>
  typed([busy], (state, event) => {
    if (event.type === 'answers-submitted') {
      if (state.kind !== 'questions') return state;
      const { error: _error, ...form } = state;
      return { ...form, kind: busy };
    }
    if (event.type === 'answers-accepted') {
      if (state.kind !== busy) return state;
      return { kind: 'code', ...inAttempt(state), delivery: event.delivery };
    }
    if (event.type === 'channel-next') {
      return state.kind === busy ? { kind: 'channel', ...inAttempt(state) } : state;
    }
    if (event.type !== 'answers-rejected') return undefined;
    if (state.kind !== busy) return state;
    // Right answers whose message failed: the code screen offers Resend (the answers are kept).
    if (NOT_SENT.has(event.error.code)) {
      return { kind: 'code', ...inAttempt(state), delivery: null, error: event.error };
    }
    if (!again.has(event.error.code)) return failedState(event.error);
    return { ...state, kind: 'questions', ...retry(state, event.error), error: event.error };
  });

/** Resending a code: the code screen waits for the new delivery, or shows why there is none. */
const resendReducer: Step = (state, event) => {
  if (event.type === 'resend-requested') {
    if (state.kind !== 'code') return state;
    return { kind: 'sending-code', ...inAttempt(state), delivery: state.delivery };
  }
  if (event.type === 'code-sent') {
    if (state.kind !== 'sending-code') return state;
    return { kind: 'code', ...inAttempt(state), delivery: event.delivery };
  }
  if (event.type !== 'resend-refused') return undefined;
  if (state.kind !== 'sending-code') return state;
  if (!RESEND_PROBLEMS.has(event.error.code)) return failedState(event.error);
  return { ...state, kind: 'code', error: event.error };
};

/**
 * The code: resends, and the server's check in `checking`. A wrong, expired or spent code keeps
 * the attempt alive; the event `accepted` moves on to `next`.
 */
export const codeReducer = <S, E>(
  checking: string,
  accepted: string,
  next: (state: InAttempt) => object,
): StepReducer<S, E> =>
  typed(['sending-code', checking], (state, event) => {
    const type: string = event.type;
    if (type === accepted) return state.kind === checking ? next(inAttempt(state)) : state;
    if (event.type === 'code-invalid') {
      return state.kind === 'code' ? { ...state, error: event.error } : state;
    }
    if (event.type === 'code-submitted') {
      if (state.kind !== 'code' || state.delivery === null) return state;
      return { kind: checking, ...inAttempt(state), delivery: state.delivery };
    }
    if (event.type !== 'code-rejected') return resendReducer(state, event);
    if (state.kind !== checking) return state;
    if (!CODE_PROBLEMS.has(event.error.code)) return failedState(event.error);
    return { kind: 'code', ...inAttempt(state), delivery: state.delivery, error: event.error };
  });

/**
 * Sending the code by a channel: the holder's choice (a refusal that leaves the choice open returns
 * to it), or another way from the code screen (a refusal shows there, as a resend's does). A
 * channel that is not one of the holder's is refused before anything is sent.
 */
export const channelReducer = <S, E>(): StepReducer<S, E> =>
  typed(['sending-code'], (state, event) => {
    if (event.type === 'send-requested') {
      if (state.kind !== 'channel' && state.kind !== 'code') return state;
      const contacts = (state.contacts ?? []) as readonly Contact[];
      if (!contacts.some((contact) => contact.channel === event.channel)) {
        return { ...state, error: appError('VALIDATION_FAILED', { field: 'channel' }) };
      }
      const delivery = state.kind === 'code' ? state.delivery : null;
      return { kind: 'sending-code', ...inAttempt(state), delivery };
    }
    if (event.type !== 'send-refused') return undefined;
    if (state.kind !== 'sending-code') return state;
    if (!SEND_PROBLEMS.has(event.error.code)) return failedState(event.error);
    return { kind: 'channel', ...inAttempt(state), error: event.error };
  });
