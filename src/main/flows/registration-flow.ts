import type { ErrorCode } from '../../shared/errors';
import type { Question } from '../../shared/http-api';
import { answersReducer, attemptMachine, codeReducer, proveReducer } from './attempt-states';
import type { AttemptEvent, AttemptStates } from './attempt-states';

// The registration flow's states and transition, from the same step reducers as the unlock. The
// passcode the holder logs in with and the answers they choose are never part of a state.

/** What the server sends with a proved card for a registration. */
interface RegistrationProved {
  readonly holderName: string;
  readonly maskedEmail: string;
  readonly catalogue: readonly Question[];
  readonly questionsRequired: number;
  /** The card has a registration already: the answers chosen now replace its answers. */
  readonly alreadyRegistered: boolean;
}

/** Every state of the registration flow. */
export type RegistrationState = AttemptStates<RegistrationProved, 'saving-answers', 'confirming'>;

/** What happens during a registration. */
export type RegistrationEvent = AttemptEvent<RegistrationProved> | { readonly type: 'confirmed' };

/** The state before anything happens. */
export const REGISTRATION_IDLE: RegistrationState = { kind: 'idle' };

/** Only a malformed answer can be given again; the server keeps no wrong-answer count here. */
const ANSWER_AGAIN = new Set<ErrorCode>(['VALIDATION_FAILED']);

/** A registration's steps in order: an unlocked card proved with 9A, chosen questions, code. */
const registration = attemptMachine<RegistrationState, RegistrationEvent>(REGISTRATION_IDLE, [
  proveReducer(false, 'CARD_LOCKED'),
  answersReducer('saving-answers', ANSWER_AGAIN),
  codeReducer('confirming', 'confirmed', ({ holderName }) => ({ kind: 'done', holderName })),
]);

/**
 * The pure transition function. A locked card must not get a passcode try (it would be refused,
 * and it is the unlock's job). Events that make no sense in a state leave it unchanged.
 */
export const registrationTransition = registration.transition;

/** Whether the runner is working on a state, and the attempt a state belongs to. */
export const { isBusy: isRegistrationBusy, attemptOf: registrationAttemptOf } = registration;
