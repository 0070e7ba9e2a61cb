import type { Kysely } from 'kysely';
import type { AttemptRecord } from '../domain/repository-ports';
import { cardNotFrozen } from './card-conditions';
import type { Database } from './schema';
import { toRecord } from './attempt-repository';

/**
 * The assisted unlock's references and approvals (docs/decisions/0025-assisted-unlock.md): each
 * change is one conditional UPDATE on the attempt's row, so a reference is approved at most once
 * and only while it and its attempt are live, on one instance or several.
 */

/** The states from which a holder may ask the desk, and the desk may approve. */
const ASKING_STATES = ['proved', 'answered'] as const;

/**
 * Stores a new reference's hash on a proved or answered unlock attempt, replacing the last one,
 * while the attempt has had fewer than `max`; returns the new count, or undefined when refused.
 */
export async function issueApproval(
  db: Kysely<Database>,
  attemptId: string,
  refHash: string,
  expiresAt: string,
  max: number,
  now: string,
): Promise<number | undefined> {
  const row = await db
    .updateTable('attempts')
    .set((eb) => ({
      approval_ref_hash: refHash,
      approval_expires_at: expiresAt,
      approval_requests: eb('approval_requests', '+', 1),
    }))
    .where('attempt_id', '=', attemptId)
    .where('kind', '=', 'unlock')
    .where('state', 'in', ASKING_STATES)
    .where('expires_at', '>', now)
    .where('approval_requests', '<', max)
    .returning('approval_requests')
    .executeTakeFirst();
  return row?.approval_requests;
}

/** The unlock attempts whose latest reference has this hash, ended or not (normally one). */
export async function findByApprovalRef(
  db: Kysely<Database>,
  refHash: string,
): Promise<readonly AttemptRecord[]> {
  const rows = await db
    .selectFrom('attempts')
    .selectAll()
    .where('approval_ref_hash', '=', refHash)
    .where('kind', '=', 'unlock')
    .orderBy('created_at', 'desc')
    .limit(10)
    .execute();
  return rows.map(toRecord);
}

/**
 * How many audit rows of these actions and outcomes one source wrote since `since`: the desk's
 * references that named nothing, counted on every instance alike (the trail is indexed by time).
 */
export async function countAudit(
  db: Kysely<Database>,
  filter: {
    readonly actions: readonly string[];
    readonly outcomes: readonly string[];
    readonly sourceAddress: string;
    readonly since: string;
  },
): Promise<number> {
  const row = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('at', '>=', filter.since)
    .where('source_address', '=', filter.sourceAddress)
    .where('action', 'in', filter.actions)
    .where('outcome', 'in', filter.outcomes)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * The desk's approval: a proved or answered attempt becomes verified, as after a right code, once,
 * while it and this reference are live and its card is not frozen.
 */
export async function approveAttempt(
  db: Kysely<Database>,
  attemptId: string,
  refHash: string,
  operator: string,
  now: string,
): Promise<boolean> {
  const r = await db
    .updateTable('attempts')
    .set({ state: 'verified', approved_at: now, approved_by: operator })
    .where('attempt_id', '=', attemptId)
    .where('kind', '=', 'unlock')
    .where('approval_ref_hash', '=', refHash)
    .where('approved_at', 'is', null)
    .where('state', 'in', ASKING_STATES)
    .where('approval_expires_at', '>', now)
    .where('expires_at', '>', now)
    .where(cardNotFrozen)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}
