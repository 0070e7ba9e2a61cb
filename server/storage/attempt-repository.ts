import { createHash } from 'node:crypto';
import { type ExpressionBuilder, type Kysely, type Selectable, sql } from 'kysely';
import { cardNotFrozen, cardNotLocked } from './card-conditions';
import { preparedQuery } from './prepared-query';
import type { AttemptsTable, Database } from './schema';
import type {
  AttemptKind,
  AttemptRecord,
  AttemptState,
  NewAttempt,
} from '../domain/repository-ports';

/**
 * Unlock and registration attempts. Every single-use rule (nonce, code, PUK release) and every
 * counter (code tries, sends) changes in one conditional UPDATE, so two requests racing on one
 * attempt, on one or several instances, cannot both win.
 */

/** An attempt as the domain sees it, from its row. */
export function toRecord(r: Selectable<AttemptsTable>): AttemptRecord {
  return {
    attemptId: r.attempt_id,
    kind: r.kind,
    cardId: r.card_id,
    state: r.state,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    nonce: r.nonce,
    nonceExpiresAt: r.nonce_expires_at,
    nonceUsedAt: r.nonce_used_at,
    pendingAnswers: r.pending_answers,
    sends: r.sends,
    lastSentAt: r.last_sent_at,
    codeHash: r.code_hash,
    codeExpiresAt: r.code_expires_at,
    codeTries: r.code_tries,
    codeUsedAt: r.code_used_at,
    codeChannel: r.code_channel === 'sms' || r.code_channel === 'email' ? r.code_channel : null,
    pukReleasedAt: r.puk_released_at,
    rotationRef: r.rotation_ref,
    endReason: r.end_reason,
    approvalRefHash: r.approval_ref_hash,
    approvalExpiresAt: r.approval_expires_at,
    approvalRequests: r.approval_requests,
    approvedAt: r.approved_at,
    approvedBy: r.approved_by,
  };
}

/** The states of an attempt that has not ended. */
const OPEN_STATES: readonly AttemptState[] = [
  'started',
  'proved',
  'answered',
  'verified',
  'authorised',
];

/** The policy's default for `security.attempt.maxOpenPerCard`, for callers that pass none. */
const DEFAULT_MAX_OPEN_PER_CARD = 3;

/** The rows of attempt_start_locks (created by migration 0003; never change it there). */
const START_LOCK_SLOTS = 256;

/** The start-lock slot of a card id. */
export const startLockSlot = (cardId: string): number =>
  createHash('sha256').update(cardId).digest().readUInt32BE(0) % START_LOCK_SLOTS;

/** A card's attempts that are live at `createdAt`. */
const live = (
  eb: ExpressionBuilder<Database, 'attempts'>,
  v: { readonly cardId: string; readonly createdAt: string },
) =>
  eb.and([
    eb('card_id', '=', v.cardId),
    eb('state', 'in', OPEN_STATES),
    eb('expires_at', '>', v.createdAt),
  ]);

const takeStartSlot = preparedQuery((db, v: { slot: number; at: string }) =>
  db.updateTable('attempt_start_locks').set({ last_start_at: v.at }).where('slot', '=', v.slot),
);

/** A new attempt's values, as a prepared query binds them. */
type NewAttemptValues = { readonly [K in keyof NewAttempt]: NewAttempt[K] };

const insertNew = preparedQuery((db, v: NewAttemptValues) =>
  db.insertInto('attempts').values({
    attempt_id: v.attemptId,
    kind: v.kind,
    card_id: v.cardId,
    state: 'started',
    created_at: v.createdAt,
    expires_at: v.expiresAt,
    nonce: v.nonce,
    nonce_expires_at: v.nonceExpiresAt,
    nonce_used_at: null,
    pending_answers: null,
    sends: 0,
    last_sent_at: null,
    prev_sent_at: null,
    code_hash: null,
    code_expires_at: null,
    code_tries: 0,
    code_used_at: null,
    puk_released_at: null,
    rotation_ref: null,
    ended_at: null,
    end_reason: null,
  }),
);

/** The live attempts a new one keeps beside it: the `limit` newest, proved ones first. */
const keptLive = preparedQuery(
  (db, v: { cardId: string; attemptId: string; createdAt: string; limit: number }) =>
    db
      .selectFrom('attempts')
      .select('attempt_id')
      .where((eb) => live(eb, v))
      .where('attempt_id', '!=', v.attemptId)
      .orderBy(sql`case when state = 'started' then 0 else 1 end`, 'desc')
      .orderBy('created_at', 'desc')
      .orderBy('attempt_id', 'desc')
      .limit(v.limit),
);

/**
 * Stores a new attempt and, in one transaction, ends the card's oldest live attempts beyond
 * `maxOpenPerCard` as `superseded`, unproved ones first (a prober's starts end each other, not the
 * holder's proved one). Returns the ids it ended.
 */
export async function insertAttempt(
  db: Kysely<Database>,
  a: NewAttempt,
  maxOpenPerCard: number = DEFAULT_MAX_OPEN_PER_CARD,
): Promise<readonly string[]> {
  const run = async (trx: Kysely<Database>): Promise<readonly string[]> => {
    // Written first: on PostgreSQL the slot's row lock makes starts for this card take turns
    // until commit; on SQLite a first write takes the database's write lock before any read.
    await takeStartSlot(trx, { slot: startLockSlot(a.cardId), at: a.createdAt });
    await insertNew(trx, { ...a });
    const { cardId, attemptId, createdAt } = a;
    const limit = Math.max(0, maxOpenPerCard - 1);
    const kept = (await keptLive(trx, { cardId, attemptId, createdAt, limit })).rows;
    // Built each time: its list has one id per attempt kept.
    const ended = await trx
      .updateTable('attempts')
      .set({ state: 'ended', ended_at: a.createdAt, end_reason: 'superseded' })
      .where((eb) => live(eb, a))
      .where('attempt_id', 'not in', [a.attemptId, ...kept.map((k) => k.attempt_id)])
      .returning('attempt_id')
      .execute();
    return ended.map((e) => e.attempt_id);
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

const selectAttempt = preparedQuery((db, v: { attemptId: string; kind: AttemptKind }) =>
  db
    .selectFrom('attempts')
    .selectAll()
    .where('attempt_id', '=', v.attemptId)
    .where('kind', '=', v.kind),
);

/** The attempt of that kind, or undefined (a prepared query: every step of every flow reads it). */
export async function findAttempt(
  db: Kysely<Database>,
  attemptId: string,
  kind: AttemptKind,
): Promise<AttemptRecord | undefined> {
  const [row] = (await selectAttempt(db, { attemptId, kind })).rows;
  return row === undefined ? undefined : toRecord(row);
}

/**
 * Spends the attempt's nonce: succeeds once, while the nonce is fresh and the attempt is still
 * waiting for its proof. `proved` says whether the signature checked out, which decides whether
 * the attempt moves on or ends.
 */
export async function spendNonce(
  db: Kysely<Database>,
  attemptId: string,
  proved: boolean,
  now: string,
): Promise<boolean> {
  const r = await (proved ? proveNonce : refuseNonce)(db, { attemptId, now });
  return (r.numAffectedRows ?? 0n) > 0n;
}

/** Spends a fresh nonce of a started attempt, setting `set`: one prepared query per outcome. */
const spendFreshNonce = (
  set: (now: string) => { nonce_used_at: string } & Partial<Selectable<AttemptsTable>>,
) =>
  preparedQuery((db, v: { attemptId: string; now: string }) =>
    db
      .updateTable('attempts')
      .set(set(v.now))
      .where('attempt_id', '=', v.attemptId)
      .where('state', '=', 'started')
      .where('nonce_used_at', 'is', null)
      .where('nonce_expires_at', '>', v.now)
      .where('expires_at', '>', v.now),
  );
const proveNonce = spendFreshNonce((now) => ({ nonce_used_at: now, state: 'proved' }));
const refuseNonce = spendFreshNonce((now) => ({
  nonce_used_at: now,
  state: 'ended',
  ended_at: now,
  end_reason: 'proof-invalid',
}));

/**
 * Moves a proved attempt to `answered` (optionally keeping registration answers). With
 * `maxFailures`, only while the card is not locked, checked in the same statement.
 */
export async function markAnswered(
  db: Kysely<Database>,
  attemptId: string,
  pendingAnswers: string | null,
  now: string,
  maxFailures?: number,
): Promise<boolean> {
  const r =
    maxFailures === undefined
      ? await answered(db, { attemptId, pendingAnswers, now })
      : await answeredUnlocked(db, { attemptId, pendingAnswers, now, maxFailures });
  return (r.numAffectedRows ?? 0n) > 0n;
}

/** A proved attempt moved to answered. */
const toAnswered = (
  db: Kysely<Database>,
  v: { attemptId: string; pendingAnswers: string | null; now: string },
) =>
  db
    .updateTable('attempts')
    .set({ state: 'answered', pending_answers: v.pendingAnswers })
    .where('attempt_id', '=', v.attemptId)
    .where('state', '=', 'proved')
    .where('expires_at', '>', v.now);
const answered = preparedQuery(toAnswered);
const answeredUnlocked = preparedQuery(
  (db, v: { attemptId: string; pendingAnswers: string | null; now: string; maxFailures: number }) =>
    toAnswered(db, v).where(cardNotLocked(v.maxFailures)),
);
/**
 * Marks the PUK of a verified unlock attempt released, moving it to `authorised`: once per
 * attempt, while the attempt is live and the card's self-service is not locked, or, for an
 * attempt the desk approved, not frozen (docs/decisions/0025-assisted-unlock.md).
 */
export async function releasePuk(
  db: Kysely<Database>,
  attemptId: string,
  now: string,
  maxFailures: number,
): Promise<boolean> {
  const r = await authorise(db, { attemptId, now, maxFailures });
  return (r.numAffectedRows ?? 0n) > 0n;
}

const authorise = preparedQuery((db, v: { attemptId: string; now: string; maxFailures: number }) =>
  db
    .updateTable('attempts')
    .set({ state: 'authorised', puk_released_at: v.now })
    .where('attempt_id', '=', v.attemptId)
    .where('state', '=', 'verified')
    .where('puk_released_at', 'is', null)
    .where('expires_at', '>', v.now)
    .where((eb) =>
      eb.or([
        cardNotLocked(v.maxFailures)(eb),
        eb.and([eb('approved_at', 'is not', null), cardNotFrozen(eb)]),
      ]),
    ),
);

/** Ends the attempt unless it has ended already. True when this call ended it. */
export async function endAttempt(
  db: Kysely<Database>,
  attemptId: string,
  reason: string,
  now: string,
  fromStates: readonly AttemptState[] = ['started', 'proved', 'answered', 'verified', 'authorised'],
): Promise<boolean> {
  const r = await endFrom(fromStates)(db, { attemptId, now, reason });
  return (r.numAffectedRows ?? 0n) > 0n;
}

type EndQuery = ReturnType<typeof endQuery>;
const endQuery = (fromStates: readonly AttemptState[]) =>
  preparedQuery((db, v: { attemptId: string; now: string; reason: string }) =>
    db
      .updateTable('attempts')
      .set({ state: 'ended', ended_at: v.now, end_reason: v.reason })
      .where('attempt_id', '=', v.attemptId)
      .where('state', 'in', fromStates),
  );
/** One prepared query per list of states: the callers' lists are constants, a handful in all. */
const endQueries = new Map<string, EndQuery>();
function endFrom(fromStates: readonly AttemptState[]): EndQuery {
  const key = fromStates.join(',');
  let query = endQueries.get(key);
  if (query === undefined) {
    query = endQuery([...fromStates]);
    endQueries.set(key, query);
  }
  return query;
}

/** Points the attempts that hold one rotation's fingerprint at its new one (after a re-seal). */
export async function retargetRotation(
  db: Kysely<Database>,
  cardId: string,
  before: string,
  after: string,
): Promise<void> {
  await db
    .updateTable('attempts')
    .set({ rotation_ref: after })
    .where('card_id', '=', cardId)
    .where('rotation_ref', '=', before)
    .execute();
}

/**
 * Records which rotation an authorised attempt released, and ends the card's other authorised
 * attempts: a newer visit supersedes them, so a late outcome from an old visit cannot commit a
 * rotation it did not release.
 */
export async function recordRotation(
  db: Kysely<Database>,
  attemptId: string,
  cardId: string,
  rotationRef: string,
  now: string,
): Promise<void> {
  await setRotation(db, { attemptId, rotationRef });
  await supersedeAuthorised(db, { attemptId, cardId, now });
}

const setRotation = preparedQuery((db, v: { attemptId: string; rotationRef: string }) =>
  db
    .updateTable('attempts')
    .set({ rotation_ref: v.rotationRef })
    .where('attempt_id', '=', v.attemptId),
);

const supersedeAuthorised = preparedQuery(
  (db, v: { attemptId: string; cardId: string; now: string }) =>
    db
      .updateTable('attempts')
      .set({ state: 'ended', ended_at: v.now, end_reason: 'superseded' })
      .where('card_id', '=', v.cardId)
      .where('kind', '=', 'unlock')
      .where('state', '=', 'authorised')
      .where('attempt_id', '!=', v.attemptId),
);
