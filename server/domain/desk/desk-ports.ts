import type { AuditEntry, CardState, DomainResult, LockoutCleared } from '../ports';
import type { Operator } from '../admin-actor';
import type { AttemptKind, AttemptState, CardRecord } from '../repository-ports';

/**
 * What the service desk's console and the admin CLI call to find and support a holder, and the
 * RA managers' reports: one set of domain functions for both (issue 20).
 */

/** An operator's call: who acts and, for the audit trail, why. */
export interface OperatorCall {
  readonly operator: Operator;
  /** Required at the console; the admin CLI's older commands may leave it out. */
  readonly reason?: string;
}

/** One holder found by a search. */
export interface HolderMatch {
  readonly cardId: string;
  readonly holderName: string;
  readonly email: string | null;
  readonly mobile: string | null;
  readonly site: string | null;
  readonly lockedOut: boolean;
  readonly frozen: boolean;
}

/** A search's answer: at most `limit` holders, and whether more matched. */
export interface HolderSearchResult {
  readonly matches: readonly HolderMatch[];
  readonly limit: number;
  readonly more: boolean;
}

/** One of a card's recent attempts, as the desk reads it. */
export interface AttemptSummary {
  readonly attemptId: string;
  readonly kind: AttemptKind;
  readonly startedAt: string;
  readonly state: AttemptState;
  readonly endedAt: string | null;
  /** Why it ended (`outcome-unlocked`, `cancelled`, `self-service-locked`...); null while open. */
  readonly endReason: string | null;
  /** Still open in the database but past its end time: it can go no further. */
  readonly expired: boolean;
}

/** Everything the desk's card page shows; never a secret. */
export interface CardPage extends Omit<CardState, 'maskedEmail' | 'maskedMobile'> {
  /** The operator sees the contacts in full: correcting them is part of the job. */
  readonly email: string | null;
  readonly mobile: string | null;
  readonly registeredAt: string | null;
  /** Wrong answer submissions left before self-service locks. */
  readonly triesLeft: number;
  readonly pukReleaseCap: number;
  readonly recentAttempts: readonly AttemptSummary[];
  readonly audit: {
    readonly entries: readonly AuditEntry[];
    /** The `before` of the next (older) page, or null when this is the last. */
    readonly nextBefore: number | null;
  };
}

/** What a contact correction left on the card. */
export interface ContactsSet {
  readonly email: string | null;
  readonly mobile: string | null;
  readonly changed: readonly ('email' | 'mobile')[];
}

/** The contacts an operator sets: null (or empty) removes one, left out keeps it. */
export interface ContactsInput {
  readonly email?: string | null;
  readonly mobile?: string | null;
}

/** Finding and supporting a holder (issue 20, item 3); every change audited with its operator. */
export interface HolderSupportService {
  search(query: string): Promise<DomainResult<HolderSearchResult>>;
  /** The card page; `before` pages the audit trail back from that entry id. */
  cardPage(cardId: string, audit?: { readonly before?: number }): Promise<DomainResult<CardPage>>;
  /** Sets the wrong-answer count back to zero and lifts a freeze; says what it lifted. */
  clearLockout(cardId: string, call: OperatorCall): Promise<DomainResult<LockoutCleared>>;
  resetRegistration(cardId: string, call: OperatorCall): Promise<DomainResult<void>>;
  setContacts(
    cardId: string,
    contacts: ContactsInput,
    call: OperatorCall,
  ): Promise<DomainResult<ContactsSet>>;
  /** Freezes self-service unlock (kept if already frozen: the first freeze's time and reason). */
  freeze(
    cardId: string,
    call: OperatorCall,
  ): Promise<DomainResult<{ readonly frozenNow: boolean; readonly since: string }>>;
  /** Lifts a freeze and nothing else; says what it lifted, null when the card was not frozen. */
  unfreeze(
    cardId: string,
    call: OperatorCall,
  ): Promise<
    DomainResult<{ readonly wasFrozen: { readonly at: string; readonly reason: string } | null }>
  >;
}

/** What each report line counts. */
export interface ActivityCounts {
  readonly selfServiceUnlocks: number;
  readonly assistedUnlocks: number;
  readonly lockouts: number;
  readonly notMeReports: number;
  /** Median seconds from an unlock's start to unlocked; null with no unlock to measure. */
  readonly medianSecondsToUnlock: number | null;
  /** Unlocks of either kind at the minutes an in-person unlock takes, in hours (one decimal). */
  readonly hoursSaved: number;
}

/** The RA managers' report over UK dates `from` to `to`, both included. */
export interface ActivityReport {
  readonly from: string;
  readonly to: string;
  /** Every day of the range, in order, zeros included. */
  readonly days: readonly (ActivityCounts & { readonly day: string })[];
  /** Each site with any activity, by name; null is cards with no site. */
  readonly sites: readonly (ActivityCounts & { readonly site: string | null })[];
  /** Each day and site with any activity, for the CSV. */
  readonly rows: readonly (ActivityCounts & {
    readonly day: string;
    readonly site: string | null;
  })[];
  readonly totals: ActivityCounts;
  /** The minutes one in-person unlock takes, behind `hoursSaved`. */
  readonly minutesPerInPersonUnlock: number;
}

/** Reports for RA managers (issue 20, item 5). */
export interface ReportService {
  activity(range: {
    readonly from: string;
    readonly to: string;
  }): Promise<DomainResult<ActivityReport>>;
}

/** What a holder search asks of storage; each part is optional but the text. */
export interface HolderQuery {
  /** Lower-case text found anywhere in the name or the email address. */
  readonly text: string;
  /** Lower-case hex a card id starts with. */
  readonly cardIdPrefix?: string;
  /** Digits found in the mobile number's E.164 form. */
  readonly mobileDigits?: string;
}

/** The desk's reads and writes of holders beyond what the flows need. */
export interface HolderRepository {
  /** Cards matching any part of the query, by name then card id, at most `limit`. */
  search(query: HolderQuery, limit: number): Promise<readonly CardRecord[]>;
  /** The card's newest attempts first. */
  recentAttempts(cardId: string, limit: number): Promise<readonly AttemptSummaryRow[]>;
  /** Sets both contacts; a changed email is no longer the confirmed one. False: unknown card. */
  setContacts(
    cardId: string,
    contacts: Pick<CardRecord, 'email' | 'mobile'>,
    now: string,
  ): Promise<boolean>;
}

/** An attempt as storage gives it; whether it has expired is the domain's to say. */
export type AttemptSummaryRow = Omit<AttemptSummary, 'expired'> & { readonly expiresAt: string };

/** Audit rows a report counts: this outcome, of one of these actions (any), with this detail. */
export interface ReportEventKind {
  readonly actions?: readonly string[];
  readonly outcome: string;
  readonly detail?: string;
}

/** One audit row a report counts, with its card's site and its attempt's first row. */
export interface ReportEvent {
  readonly at: string;
  readonly action: string;
  readonly outcome: string;
  readonly site: string | null;
  /** When the attempt's first audit row (its start) was written; null without one. */
  readonly attemptStartedAt: string | null;
  /** Whether the attempt has an `ok` row of one of the marker actions (a desk approval). */
  readonly marked: boolean;
}

/** The reports' reads of the audit trail. */
export interface ReportRepository {
  /** Rows written in [from, to) (ISO times) matching any kind. */
  events(
    range: { readonly from: string; readonly to: string },
    kinds: readonly ReportEventKind[],
    markers: readonly string[],
  ): Promise<readonly ReportEvent[]>;
}
