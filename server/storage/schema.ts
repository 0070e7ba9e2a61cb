import type { Generated } from 'kysely';

/**
 * The database's tables as Kysely sees them. Times are ISO 8601 UTC strings from
 * `Date.toISOString()` (fixed width, so they compare correctly as text on both engines); binary
 * values are Buffers (BLOB in SQLite, bytea in PostgreSQL).
 */
export interface Database {
  cards: CardsTable;
  answers: AnswersTable;
  attempts: AttemptsTable;
  puk_releases: PukReleasesTable;
  audit_log: AuditLogTable;
  rate_limits: RateLimitsTable;
  attempt_start_locks: AttemptStartLocksTable;
  audit_purge_control: AuditPurgeControlTable;
  not_me_reports: NotMeReportsTable;
  console_sessions: ConsoleSessionsTable;
  console_sign_ins: ConsoleSignInsTable;
}

/** A card, its holder and its PUK (encrypted), with the card's lockout counter. */
export interface CardsTable {
  card_id: string;
  holder_name: string;
  email: string;
  /** The holder's UK mobile number in E.164 (`+447700900123`), or null. */
  mobile: string | null;
  piv_auth_der: Buffer;
  card_auth_der: Buffer;
  puk_key_id: string;
  puk_ciphertext: Buffer;
  /** The PUK released as `nextPuk` whose rotation the app has not yet confirmed. */
  pending_puk_key_id: string | null;
  pending_puk_ciphertext: Buffer | null;
  /** Wrong answer submissions (and exhausted codes) since the last clear or unlock. */
  failures: number;
  registered_at: string | null;
  email_confirmed_at: string | null;
  last_unlock_at: string | null;
  created_at: string;
  updated_at: string;
  /** When self-service unlock was frozen, and why (`not-me`); both null when it is not. */
  frozen_at: string | null;
  frozen_reason: string | null;
  /** When the 9A and 9E certificates expire; null for a bare public key, which has no expiry. */
  piv_auth_not_after: string | null;
  card_auth_not_after: string | null;
  /** The holder's site or organisation as the import names it (the reports group by it), or null. */
  site: string | null;
}

/** A registered answer: only its argon2id hash. */
interface AnswersTable {
  card_id: string;
  position: number;
  question_id: string;
  answer_hash: string;
}

/** One unlock or registration attempt, bound to one card. */
export interface AttemptsTable {
  attempt_id: string;
  kind: 'unlock' | 'register';
  card_id: string;
  state: 'started' | 'proved' | 'answered' | 'verified' | 'authorised' | 'ended';
  created_at: string;
  expires_at: string;
  nonce: string;
  nonce_expires_at: string;
  nonce_used_at: string | null;
  /** Registration only: the chosen questions and their answer hashes (JSON), until confirmed. */
  pending_answers: string | null;
  sends: number;
  last_sent_at: string | null;
  /** `last_sent_at` before the latest reservation, to release it if the mail fails. */
  prev_sent_at: string | null;
  code_hash: string | null;
  code_expires_at: string | null;
  code_tries: number;
  code_used_at: string | null;
  /** The channel the latest code went on (`email`, `sms`); a resend goes there again. */
  code_channel: string | null;
  /** The code before the latest send, put back when that send's mail was certainly not sent. */
  prev_code_hash: string | null;
  prev_code_expires_at: string | null;
  prev_code_tries: Generated<number>;
  prev_code_used_at: string | null;
  puk_released_at: string | null;
  /** Fingerprint of the pending PUK ciphertext this attempt released, to tie its outcome to it. */
  rotation_ref: string | null;
  ended_at: string | null;
  end_reason: string | null;
  /** The keyed hash of the latest assisted unlock reference (ADR 0025); null until one is asked. */
  approval_ref_hash: string | null;
  approval_expires_at: string | null;
  approval_requests: Generated<number>;
  /** When the desk approved the attempt, and the operator who did. */
  approved_at: string | null;
  approved_by: string | null;
}

/** PUK releases per card per UTC day. */
interface PukReleasesTable {
  card_id: string;
  day: string;
  releases: number;
}

/**
 * The append-only audit trail: triggers refuse updates, truncation, and deletes other than the
 * retention purge's (see AuditPurgeControlTable).
 */
interface AuditLogTable {
  id: Generated<number>;
  at: string;
  card_id: string | null;
  attempt_id: string | null;
  action: string;
  outcome: string;
  source_address: string;
  request_id: string | null;
  detail: string | null;
}

/**
 * Per-address request counts in fixed windows, shared by every instance that uses the database
 * (express-rate-limit's store, server/http/rate-limit-store.ts).
 */
interface RateLimitsTable {
  /** Which limit counts here, e.g. `requests` or `attempt-starts`. */
  limiter: string;
  /** The client's key: its address (an IPv6 address reduced to its subnet). */
  client: string;
  window_start: string;
  /** When the window's count stops applying; the purge removes the row after it. */
  window_end: string;
  hits: number;
}

/**
 * Fixed slots (rows 0 to 255) that card ids hash onto: a new attempt locks its card's slot, so
 * starts for one card take turns, whether or not the card has a row in `cards`.
 */
interface AttemptStartLocksTable {
  slot: number;
  last_start_at: string | null;
}

/**
 * One row (id 1): the cut-off the audit purge sets and clears inside each of its transactions.
 * The audit trail's delete trigger lets a row go only when it is older than this (on PostgreSQL,
 * only when set by the deleting transaction itself).
 */
interface AuditPurgeControlTable {
  id: number;
  purge_before: string | null;
}

/**
 * The "This wasn't me" links used, one row per unlock (its attempt): the primary key makes each
 * link single use, on every instance, whatever became of the attempt's own row.
 */
interface NotMeReportsTable {
  attempt_id: string;
  card_id: string;
  /** The unlock's time, as its link carries it. */
  unlocked_at: string;
  reported_at: string;
}

/**
 * A service desk console session (server/console/console-sessions.ts): the operator it signed in,
 * and when it ends, idle or not. Keyed by the SHA-256 of the session id, which only the cookie holds.
 */
interface ConsoleSessionsTable {
  id_hash: string;
  /** The audit trail's actor, `console:<username>`. */
  operator_id: string;
  operator_name: string;
  role: 'desk' | 'ra';
  created_at: string;
  /** Moved on by each request; the session ends when it passes. */
  idle_expires_at: string;
  /** The absolute end, set at sign-in. */
  expires_at: string;
}

/**
 * A console sign-in between the redirect to the provider and its return: the state, nonce and PKCE
 * verifier it must come back with, and the page to return to. Keyed by its cookie id's SHA-256.
 */
interface ConsoleSignInsTable {
  id_hash: string;
  state: string;
  nonce: string;
  code_verifier: string;
  return_to: string;
  expires_at: string;
}
