import type { DeliveryChannel } from './delivery-port';
import type { AuditEntry, AuditRecord } from './ports';
import type { HolderRepository, ReportRepository } from './desk/desk-ports';

/**
 * What the domain asks of storage: records as plain objects and repositories whose every limit is
 * one conditional statement. The Kysely adapters live in server/storage (docs/decisions/0005).
 */

/** The kinds of attempt: one per flow. */
export type AttemptKind = 'unlock' | 'register';
/** Where an attempt is in its flow. */
export type AttemptState = 'started' | 'proved' | 'answered' | 'verified' | 'authorised' | 'ended';

/** An attempt as the domain sees it. */
export interface AttemptRecord {
  readonly attemptId: string;
  readonly kind: AttemptKind;
  readonly cardId: string;
  readonly state: AttemptState;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly nonce: string;
  readonly nonceExpiresAt: string;
  readonly nonceUsedAt: string | null;
  readonly pendingAnswers: string | null;
  readonly sends: number;
  readonly lastSentAt: string | null;
  readonly codeHash: string | null;
  readonly codeExpiresAt: string | null;
  readonly codeTries: number;
  readonly codeUsedAt: string | null;
  /** The channel the latest code went on; a resend goes there again. */
  readonly codeChannel: DeliveryChannel | null;
  readonly pukReleasedAt: string | null;
  readonly rotationRef: string | null;
  readonly endReason: string | null;
  /** The keyed hash of the latest reference the holder asked for the desk (assisted unlock). */
  readonly approvalRefHash: string | null;
  readonly approvalExpiresAt: string | null;
  /** References asked for in this attempt; each new one replaced the last. */
  readonly approvalRequests: number;
  /** When the desk approved this attempt, and who: its unblock then skips a wrong-answer lockout. */
  readonly approvedAt: string | null;
  readonly approvedBy: string | null;
}

/** What a new attempt starts with. */
export interface NewAttempt {
  readonly attemptId: string;
  readonly kind: AttemptKind;
  readonly cardId: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly nonce: string;
  readonly nonceExpiresAt: string;
}

/** A secret encrypted under a named key-encryption key. */
export interface SealedSecret {
  readonly keyId: string;
  readonly ciphertext: Uint8Array;
}

/** A card as the domain sees it. */
export interface CardRecord {
  readonly cardId: string;
  readonly holderName: string;
  /** Null when the issuing system gave only a mobile (the code-only model needs one or the other). */
  readonly email: string | null;
  /** UK mobile in E.164, for codes by text message; null when the issuing system gave none. */
  readonly mobile: string | null;
  readonly pivAuthDer: Uint8Array;
  readonly cardAuthDer: Uint8Array;
  readonly puk: SealedSecret;
  readonly pendingPuk: SealedSecret | null;
  readonly failures: number;
  readonly registeredAt: string | null;
  readonly emailConfirmedAt: string | null;
  readonly lastUnlockAt: string | null;
  /** Self-service unlock frozen ("This wasn't me"): when, and why; null when it is not. */
  readonly frozen: { readonly at: string; readonly reason: string } | null;
  /** When the 9A and 9E certificates expire; null for a bare public key (no expiry). */
  readonly pivAuthNotAfter: string | null;
  readonly cardAuthNotAfter: string | null;
  /** The holder's site or organisation as imported (the reports group by it); null when none. */
  readonly site: string | null;
}

/**
 * A card as imported, its PUK already sealed; a `mobile` left out keeps a known card's number,
 * and `notAfter` left out the expiry stored.
 */
export type CardUpsert = Pick<
  CardRecord,
  'cardId' | 'holderName' | 'email' | 'pivAuthDer' | 'cardAuthDer' | 'puk'
> & {
  readonly mobile?: string | null;
  /** Left out keeps a known card's site, as `mobile` does. */
  readonly site?: string | null;
  readonly notAfter?: { readonly pivAuth: string | null; readonly cardAuth: string | null };
};

/** A registered answer: the question and the answer's hash. */
export interface StoredAnswer {
  readonly questionId: string;
  readonly hash: string;
}

/** Attempts: each single-use rule and counter changes in one conditional update (false: lost). */
interface AttemptRepository {
  /** Stores a new attempt, ending the card's oldest beyond `maxOpenPerCard`; returns the ids ended. */
  insert(attempt: NewAttempt, maxOpenPerCard: number): Promise<readonly string[]>;
  find(attemptId: string, kind: AttemptKind): Promise<AttemptRecord | undefined>;
  /** Spends the nonce once; `proved` moves the attempt on, else ends it. */
  spendNonce(attemptId: string, proved: boolean, now: string): Promise<boolean>;
  /** Proved → answered (with a registration's pending answers); `maxFailures`: only if unlocked. */
  markAnswered(
    attemptId: string,
    pendingAnswers: string | null,
    now: string,
    maxFailures?: number,
  ): Promise<boolean>;
  /** Reserves one send (limit and spacing); returns its number. */
  reserveSend(
    attemptId: string,
    maxSends: number,
    notAfter: string,
    now: string,
  ): Promise<number | undefined>;
  storeCode(
    attemptId: string,
    reserved: number,
    codeHash: string,
    expiresAt: string,
    channel: DeliveryChannel,
  ): Promise<boolean>;
  /** Gives back a send whose mail was certainly not sent, and the code it replaced. */
  undoSend(
    attemptId: string,
    reserved: number,
    reservedAt: string,
    codeHash: string,
  ): Promise<void>;
  /** Counts a wrong try against this code; returns its count, undefined when none was counted. */
  recordWrongCode(attemptId: string, codeHash: string, max: number): Promise<number | undefined>;
  spendCode(
    attemptId: string,
    codeHash: string,
    maxTries: number,
    next: 'verified' | 'authorised',
    now: string,
    maxFailures?: number,
  ): Promise<boolean>;
  /**
   * Stores a new reference for the desk on a proved or answered attempt, replacing the last one,
   * while it has had fewer than `max`; returns its number (undefined: refused).
   */
  issueApproval(
    attemptId: string,
    refHash: string,
    expiresAt: string,
    max: number,
    now: string,
  ): Promise<number | undefined>;
  /** The unlock attempts whose latest reference has this hash, ended or not (normally one). */
  findByApprovalRef(refHash: string): Promise<readonly AttemptRecord[]>;
  /**
   * The desk's approval: proved or answered → verified, once, while the attempt and this reference
   * are live and the card is not frozen, all in one statement.
   */
  approve(attemptId: string, refHash: string, operator: string, now: string): Promise<boolean>;
  /** Verified → authorised with the PUK released: once, while the card is not locked. */
  releasePuk(attemptId: string, now: string, maxFailures: number): Promise<boolean>;
  /** Ends the attempt if it is in one of `fromStates` (default: any open state). */
  end(
    attemptId: string,
    reason: string,
    now: string,
    fromStates?: readonly AttemptState[],
  ): Promise<boolean>;
  /** Keeps the rotation an attempt released and ends the card's other authorised unlocks. */
  recordRotation(
    attemptId: string,
    cardId: string,
    rotationRef: string,
    now: string,
  ): Promise<void>;
  /** Moves the attempts holding one rotation's fingerprint to its re-sealed one. */
  retargetRotation(cardId: string, before: string, after: string): Promise<void>;
}

/** Cards, their answers and PUKs; counters change in one conditional statement. */
interface CardRepository {
  find(cardId: string): Promise<CardRecord | undefined>;
  /** Stored PUKs (current and pending) by key id. */
  sealedPukCountsByKey(): Promise<Readonly<Record<string, number>>>;
  listSealedPuks(): Promise<readonly Pick<CardRecord, 'cardId' | 'puk' | 'pendingPuk'>[]>;
  upsert(card: CardUpsert, now: string): Promise<'inserted' | 'updated'>;
  findAnswers(cardId: string): Promise<readonly StoredAnswer[]>;
  replaceRegistration(cardId: string, answers: readonly StoredAnswer[], now: string): Promise<void>;
  /** Swaps one answer's hash for `after` if it is still `before` (false: changed meanwhile). */
  replaceAnswerHash(
    cardId: string,
    questionId: string,
    before: string,
    after: string,
  ): Promise<boolean>;
  clearRegistration(cardId: string, now: string): Promise<boolean>;
  /** Counts a failure unless the card has `max`; undefined when it was already locked. */
  recordFailure(cardId: string, max: number, now: string): Promise<number | undefined>;
  clearFailures(cardId: string, now: string): Promise<boolean>;
  /** Freezes self-service unlock unless it is frozen already (true: this call froze it). */
  freeze(cardId: string, reason: string, now: string): Promise<boolean>;
  /** Lifts a freeze (true: the card was frozen). */
  unfreeze(cardId: string, now: string): Promise<boolean>;
  /**
   * Inside a unit of work, the release's first statements: counts one PUK release for `day`
   * (undefined at the cap) and holds the card until commit, so a re-seal cannot interleave.
   */
  reserveRelease(
    cardId: string,
    day: string,
    max: number,
    now: string,
  ): Promise<number | undefined>;
  pukReleasesOn(cardId: string, day: string): Promise<number>;
  setPendingPuk(cardId: string, sealed: SealedSecret, now: string): Promise<boolean>;
  commitPendingPuk(cardId: string, expected: SealedSecret, now: string): Promise<boolean>;
  discardPendingPuk(cardId: string, expected: SealedSecret, now: string): Promise<boolean>;
  recordUnlock(cardId: string, now: string): Promise<void>;
  resealPuk(
    cardId: string,
    which: 'current' | 'pending',
    before: SealedSecret,
    after: SealedSecret,
  ): Promise<boolean>;
}

/** The audit trail: appended to, never changed. */
export interface AuditRepository {
  append(entry: AuditRecord): Promise<void>;
  /** The newest entries first, optionally for one card, optionally older than entry `beforeId`. */
  list(filter: {
    readonly cardId?: string;
    readonly limit: number;
    readonly beforeId?: number;
  }): Promise<readonly AuditEntry[]>;
  /** How many rows of these actions and outcomes one source wrote since `since` (the desk's misses). */
  count(filter: {
    readonly actions: readonly string[];
    readonly outcomes: readonly string[];
    readonly sourceAddress: string;
    readonly since: string;
  }): Promise<number>;
}

/** One use of a "This wasn't me" link: the unlock it reports. */
export interface NotMeReport {
  readonly attemptId: string;
  readonly cardId: string;
  readonly unlockedAt: string;
  readonly reportedAt: string;
}

/** The links used: each unlock's link once, decided by the database. */
interface NotMeReportRepository {
  /** Records the report unless this unlock was reported already (false). */
  record(report: NotMeReport): Promise<boolean>;
  /** When this unlock was reported, or undefined. */
  reportedAt(attemptId: string): Promise<string | undefined>;
}

/** Every repository, on one connection or inside one transaction. */
export interface Repositories {
  readonly attempts: AttemptRepository;
  readonly cards: CardRepository;
  readonly audit: AuditRepository;
  readonly notMeReports: NotMeReportRepository;
  readonly holders: HolderRepository;
  readonly reports: ReportRepository;
}

/** Runs work in one transaction: all of it commits, or a throw rolls all of it back. */
export interface UnitOfWork {
  run<T>(work: (repos: Repositories) => Promise<T>): Promise<T>;
}
