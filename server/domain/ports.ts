import type { OutgoingMail, SendOutcome } from '../mail/mailer';
import type { z } from 'zod';
import type { ErrorCode, ErrorDetails } from '../../src/shared/errors';
import type {
  answersRequestSchema,
  CodeDelivery,
  outcomeRequestSchema,
  registrationProofResponseSchema,
  startAttemptResponseSchema,
  CodeVerified,
  UnblockAuthorisation,
  unlockProofResponseSchema,
} from '../../src/shared/http-api';
import type { Result } from '../../src/shared/result';

/**
 * The domain's services as the HTTP routes and the admin CLI see them. Routes parse input with
 * the shared schemas, call one of these, and map the result to a status; the domain never knows
 * about HTTP. Every call carries the request context for the audit trail.
 */

/** Who is asking: for the audit trail and per-address limits. */
export interface RequestContext {
  readonly sourceAddress: string;
  readonly requestId: string;
}

/** A domain failure: a stable code (worded by src/shared/errors.ts) and its facts. */
export interface DomainError {
  readonly code: ErrorCode;
  readonly details?: ErrorDetails;
}

export type DomainResult<T> = Result<T, DomainError>;

export type StartAttemptResponse = z.infer<typeof startAttemptResponseSchema>;
export type UnlockProofResponse = z.infer<typeof unlockProofResponseSchema>;
export type RegistrationProofResponse = z.infer<typeof registrationProofResponseSchema>;
export type AnswersRequest = z.infer<typeof answersRequestSchema>;
export type OutcomeRequest = z.infer<typeof outcomeRequestSchema>;

/** The unlock flow (product brief, "Unlock"). */
export interface UnlockService {
  start(cardId: string, ctx: RequestContext): Promise<DomainResult<StartAttemptResponse>>;
  /** Checks the 9E signature over `cardProofMessage('unlock', attemptId, nonce)`. */
  proveCard(
    attemptId: string,
    signatureDer: Uint8Array,
    ctx: RequestContext,
  ): Promise<DomainResult<UnlockProofResponse>>;
  answer(
    attemptId: string,
    answers: readonly AnswersRequest['answers'][number][],
    ctx: RequestContext,
  ): Promise<DomainResult<CodeDelivery>>;
  resendCode(attemptId: string, ctx: RequestContext): Promise<DomainResult<CodeDelivery>>;
  /** Checks the code; a right one spends it and lets the attempt ask for the unblock. */
  submitCode(
    attemptId: string,
    code: string,
    ctx: RequestContext,
  ): Promise<DomainResult<CodeVerified>>;
  /** Releases the PUK (once per attempt, capped per card per day) and starts the rotation. */
  unblock(attemptId: string, ctx: RequestContext): Promise<DomainResult<UnblockAuthorisation>>;
  reportOutcome(
    attemptId: string,
    outcome: OutcomeRequest,
    ctx: RequestContext,
  ): Promise<DomainResult<void>>;
  cancel(attemptId: string, ctx: RequestContext): Promise<DomainResult<void>>;
}

/** The registration flow (product brief, "Registration"). */
export interface RegistrationService {
  start(cardId: string, ctx: RequestContext): Promise<DomainResult<StartAttemptResponse>>;
  /** Checks the 9A signature over `cardProofMessage('register', attemptId, nonce)`. */
  proveCard(
    attemptId: string,
    signatureDer: Uint8Array,
    ctx: RequestContext,
  ): Promise<DomainResult<RegistrationProofResponse>>;
  answer(
    attemptId: string,
    answers: readonly AnswersRequest['answers'][number][],
    ctx: RequestContext,
  ): Promise<DomainResult<CodeDelivery>>;
  resendCode(attemptId: string, ctx: RequestContext): Promise<DomainResult<CodeDelivery>>;
  confirmCode(attemptId: string, code: string, ctx: RequestContext): Promise<DomainResult<void>>;
  cancel(attemptId: string, ctx: RequestContext): Promise<DomainResult<void>>;
}

/** A card and its holder as IT imports them from the issuing system. */
export interface CardImport {
  readonly cardId: string;
  readonly holderName: string;
  readonly email: string;
  /** DER certificates (or SubjectPublicKeyInfo) for slots 9A and 9E. */
  readonly pivAuthentication: Uint8Array;
  readonly cardAuthentication: Uint8Array;
  /** The card's PUK (encrypted at rest by the domain); used for new cards only, since a known card's PUK is the server's own once rotated. */
  readonly puk: string;
}

/** What the admin CLI shows about a card; never a secret. */
export interface CardState {
  readonly cardId: string;
  readonly holderName: string;
  readonly maskedEmail: string;
  readonly registered: boolean;
  readonly emailConfirmed: boolean;
  readonly selfServiceLocked: boolean;
  readonly wrongAnswerSubmissions: number;
  readonly pukReleasesToday: number;
  readonly pendingPukRotation: boolean;
  readonly lastUnlockAt: string | null;
}

/** One line of the audit trail. */
export interface AuditEntry {
  readonly id: number;
  readonly at: string;
  readonly cardId: string | null;
  readonly attemptId: string | null;
  readonly action: string;
  readonly outcome: string;
  readonly sourceAddress: string;
  readonly requestId: string | null;
  /** Facts such as tries left; never a secret. */
  readonly detail?: string | null;
}

/** What clearing a self-service lockout found: whether there was one, and the count it reset. */
export interface LockoutCleared {
  readonly wasLocked: boolean;
  readonly wrongAnswerSubmissions: number;
}

/** IT's operations (product brief, "Enrolment and support"). */
export interface AdminService {
  /** Imports all or nothing: one bad card rejects the batch. */
  importCards(
    cards: readonly CardImport[],
    actor: string,
  ): Promise<DomainResult<{ readonly imported: number; readonly updated: number }>>;
  showCard(cardId: string): Promise<DomainResult<CardState>>;
  resetRegistration(cardId: string, actor: string): Promise<DomainResult<void>>;
  /** Sets the wrong-answer count back to zero; says whether that lifted a lockout. */
  clearLockout(cardId: string, actor: string): Promise<DomainResult<LockoutCleared>>;
  auditTrail(filter: {
    readonly cardId?: string;
    readonly limit?: number;
  }): Promise<DomainResult<readonly AuditEntry[]>>;
  /**
   * Re-encrypts every stored PUK under the new key-encryption key; `remaining` counts the PUKs
   * still under other keys afterwards (sealed meanwhile by servers not yet on the new key).
   */
  rotateKeyEncryptionKey(
    newKeyId: string,
    actor: string,
  ): Promise<
    DomainResult<{ readonly rotated: number; readonly remaining: Readonly<Record<string, number>> }>
  >;
}

/** A readiness check's answer; `reason` is for the server's log, never for a client. */
export type DependencyCheck =
  { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** Readiness of what the server depends on. */
export interface HealthProbe {
  checkDatabase(): Promise<DependencyCheck>;
}

/**
 * Where the domain writes operational events: a subset of pino's API, so the server can pass its
 * request logger. The domain never passes a secret to it.
 */
export interface DomainLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/**
 * What the domain counts for monitoring, without knowing about Prometheus: the server connects it
 * to its metrics (server/http/metrics.ts); by default it goes nowhere.
 */
export interface DomainEvents {
  /** A request named an attempt the server does not know; counted every time, audited rarely. */
  unknownAttempt(action: string): void;
  /** A mail's outcome: sent, certainly not sent, or unknown (the relay had it but went silent). */
  mailSent(purpose: OutgoingMail['purpose'], outcome: SendOutcome): void;
}

/** Everything the server's core builds from its settings, ready for routes and the admin CLI. */
export interface ServerCore {
  readonly unlock: UnlockService;
  readonly registration: RegistrationService;
  readonly admin: AdminService;
  readonly health: HealthProbe;
  /** Closes the database pool and the mail transport. */
  close(): Promise<void>;
}
