import type { z } from 'zod';
import type { ErrorCode, ErrorDetails } from '../../src/shared/errors';
import type {
  ApprovalIssued,
  ApprovalStatus,
  answersAcceptedSchema,
  answersRequestSchema,
  unlockServiceResponseSchema,
  CodeDelivery,
  outcomeRequestSchema,
  registrationProofResponseSchema,
  startAttemptResponseSchema,
  CodeVerified,
  UnblockAuthorisation,
  unlockProofResponseSchema,
} from '../../src/shared/http-api';
import type { Result } from '../../src/shared/result';
import type { AssistedRefusalCode, AssistedUnlockDesk } from './assisted-unlock-ports';
import type { DeliveryChannel, MailPurpose, SendOutcome } from './delivery-port';
import type { HolderSupportService, ReportService } from './desk/desk-ports';

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

/** What a domain call gives: its value, or a DomainError. */
export type DomainResult<T> = Result<T, DomainError>;

export type StartAttemptResponse = z.infer<typeof startAttemptResponseSchema>;
export type UnlockProofResponse = z.infer<typeof unlockProofResponseSchema>;
export type RegistrationProofResponse = z.infer<typeof registrationProofResponseSchema>;
type AnswersRequest = z.infer<typeof answersRequestSchema>;
export type OutcomeRequest = z.infer<typeof outcomeRequestSchema>;
export type AnswersAccepted = z.infer<typeof answersAcceptedSchema>;

/** How this server checks holders, as the start screen is told. */
export type VerificationPolicy = z.infer<typeof unlockServiceResponseSchema>;

/** What each step of a flow takes and gives, by the step's name. */
export type StepShapes = Readonly<
  Record<string, { readonly input: unknown; readonly output: unknown }>
>;

/** One flow as the routes see it: what the engine does for every flow, and the flow's steps. */
export interface AttemptService<S extends StepShapes> {
  /** Starts an attempt for any well-formed card id and hands out its challenge. */
  start(cardId: string, ctx: RequestContext): Promise<DomainResult<StartAttemptResponse>>;
  /** Runs one of the flow's steps on a live attempt. */
  step<K extends keyof S & string>(
    name: K,
    attemptId: string,
    input: S[K]['input'],
    ctx: RequestContext,
  ): Promise<DomainResult<S[K]['output']>>;
  /** Sends a fresh code to an attempt waiting for one. */
  resendCode(attemptId: string, ctx: RequestContext): Promise<DomainResult<CodeDelivery>>;
  cancel(attemptId: string, ctx: RequestContext): Promise<DomainResult<void>>;
}

/** The answers as a request gives them. */
export type GivenAnswers = readonly AnswersRequest['answers'][number][];

/** The unlock flow's steps (product brief, "Unlock"). */
export type UnlockSteps = {
  /** The 9E signature over `cardProofMessage('unlock', attemptId, nonce)`. */
  readonly proof: { readonly input: Uint8Array; readonly output: UnlockProofResponse };
  readonly answers: { readonly input: GivenAnswers; readonly output: AnswersAccepted };
  /** Sends a code by the channel the holder chose: the first, or again another way. */
  readonly channel: { readonly input: DeliveryChannel; readonly output: CodeDelivery };
  /** A right code is spent and lets the attempt ask for the unblock. */
  readonly code: { readonly input: string; readonly output: CodeVerified };
  /** A reference for the desk, whose approval lets the attempt ask for the unblock too. */
  readonly approval: { readonly input: undefined; readonly output: ApprovalIssued };
  readonly approvalStatus: { readonly input: undefined; readonly output: ApprovalStatus };
  /** Releases the PUK (once per attempt, capped per card per day) and starts the rotation. */
  readonly unblock: { readonly input: undefined; readonly output: UnblockAuthorisation };
  readonly outcome: { readonly input: OutcomeRequest; readonly output: void };
};

/** The registration flow's steps (product brief, "Registration"). */
export type RegistrationSteps = {
  /** The 9A signature over `cardProofMessage('register', attemptId, nonce)`. */
  readonly proof: { readonly input: Uint8Array; readonly output: RegistrationProofResponse };
  readonly answers: { readonly input: GivenAnswers; readonly output: CodeDelivery };
  /** The code that confirms the address; the registration then takes effect. */
  readonly code: { readonly input: string; readonly output: void };
};

/** The unlock flow's service. */
export type UnlockService = AttemptService<UnlockSteps>;
/** The registration flow's service. */
export type RegistrationService = AttemptService<RegistrationSteps>;

/** A card and its holder as IT imports them from the issuing system. */
export interface CardImport {
  readonly cardId: string;
  readonly holderName: string;
  /** Null for none: the card must then have a mobile (the code-only model). */
  readonly email: string | null;
  /** UK mobile in E.164; left out keeps a known card's number, null removes it. */
  readonly mobile?: string | null;
  /** The holder's site or organisation; left out keeps a known card's, null removes it. */
  readonly site?: string | null;
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
  /** The email as `j****y@nhs.net`; absent when the card has none. */
  readonly maskedEmail?: string;
  /** The mobile as `07*** ***123`; absent when the card has none. */
  readonly maskedMobile?: string;
  /** The holder's site or organisation as imported; null when none. */
  readonly site: string | null;
  readonly registered: boolean;
  readonly emailConfirmed: boolean;
  readonly selfServiceLocked: boolean;
  readonly wrongAnswerSubmissions: number;
  readonly pukReleasesToday: number;
  readonly pendingPukRotation: boolean;
  readonly lastUnlockAt: string | null;
  /** Self-service frozen ("This wasn't me"): since when, and why (`not-me`); null when not. */
  readonly selfServiceFrozen: { readonly at: string; readonly reason: string } | null;
  /**
   * When each certificate expires (null for a bare public key, which has no expiry), and whether
   * it has: then self-service refuses the card, and the holder goes to the RA.
   */
  readonly certificates: Readonly<
    Record<'9A' | '9E', { readonly notAfter: string | null; readonly expired: boolean }>
  >;
}

/** One line for the audit trail; `detail` holds facts such as tries left, never a secret. */
export interface AuditRecord {
  readonly at: string;
  readonly cardId: string | null;
  readonly attemptId: string | null;
  readonly action: string;
  readonly outcome: string;
  readonly sourceAddress: string;
  readonly requestId: string | null;
  readonly detail?: string | null;
}

/** One line of the audit trail as IT reads it. */
export interface AuditEntry extends AuditRecord {
  readonly id: number;
}

/**
 * What clearing a self-service lockout found: whether there was one, the count it reset, and
 * whether it also lifted a freeze ("This wasn't me").
 */
export interface LockoutCleared {
  readonly wasLocked: boolean;
  readonly wrongAnswerSubmissions: number;
  /** The freeze lifted: when it began and why; null when the card was not frozen. */
  readonly frozen: { readonly at: string; readonly reason: string } | null;
}

/** IT's operations (product brief, "Enrolment and support"). */
export interface AdminService {
  /** Imports all or nothing: one bad card rejects the batch. */
  importCards(
    cards: readonly CardImport[],
    actor: string,
  ): Promise<DomainResult<{ readonly imported: number; readonly updated: number }>>;
  showCard(cardId: string): Promise<DomainResult<CardState>>;
  /** The desk's own reset (HolderSupportService), as the CLI calls it; `reason` is optional. */
  resetRegistration(cardId: string, actor: string, reason?: string): Promise<DomainResult<void>>;
  /** Sets the wrong-answer count back to zero and lifts a freeze; says what it lifted. */
  clearLockout(
    cardId: string,
    actor: string,
    reason?: string,
  ): Promise<DomainResult<LockoutCleared>>;
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

/** The unlock a "This wasn't me" link reports, for its page. */
interface NotMeUnlock {
  /** When the card was unlocked (ISO 8601). */
  readonly unlockedAt: string;
}

/**
 * The unlock notice's "This wasn't me" link (docs/security-model.md): `check` only reads, since
 * mail scanners fetch links; `report` freezes self-service for the card, once per unlock.
 */
export interface NotMeService {
  check(token: string): Promise<DomainResult<NotMeUnlock>>;
  report(token: string, ctx: RequestContext): Promise<DomainResult<NotMeUnlock>>;
}

/** What became of a use of a "This wasn't me" link, for its counter. */
export type NotMeOutcome = 'frozen' | 'already-reported' | 'expired' | 'invalid';

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
  /** A message's outcome on its channel: sent, certainly not, or unknown (taken, then silence). */
  mailSent(purpose: MailPurpose, outcome: SendOutcome, channel: DeliveryChannel): void;
  /** A "This wasn't me" report (a POST; a page view changes and counts nothing). */
  notMeReported(outcome: NotMeOutcome): void;
  /** The desk's approval of an assisted unlock: `approved`, or why not. */
  assistedApproval(outcome: 'approved' | AssistedRefusalCode): void;
}

/** Everything the server's core builds from its settings, ready for routes and the admin CLI. */
export interface ServerCore {
  readonly unlock: UnlockService;
  readonly registration: RegistrationService;
  readonly admin: AdminService;
  /** The service desk's holder support, for the console and the admin CLI. */
  readonly holders: HolderSupportService;
  readonly reports: ReportService;
  readonly notMe: NotMeService;
  /** The desk's approval of an assisted unlock, for the console and the admin CLI. */
  readonly assistedUnlock: AssistedUnlockDesk;
  readonly health: HealthProbe;
  /** The verification model and the channels on offer, for `GET /v1/unlock/service`. */
  readonly verification: VerificationPolicy;
  /** Closes the database pool and the mail transport. */
  close(): Promise<void>;
}
