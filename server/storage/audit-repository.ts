import type { Kysely } from 'kysely';
import type { AuditEntry, AuditRecord } from '../domain/ports';
import { preparedQuery } from './prepared-query';
import type { Database } from './schema';

const insertAudit = preparedQuery(
  (
    db,
    v: {
      at: string;
      cardId: string | null;
      attemptId: string | null;
      action: string;
      outcome: string;
      sourceAddress: string;
      requestId: string | null;
      detail: string | null;
    },
  ) =>
    db.insertInto('audit_log').values({
      at: v.at,
      card_id: v.cardId,
      attempt_id: v.attemptId,
      action: v.action,
      outcome: v.outcome,
      source_address: v.sourceAddress,
      request_id: v.requestId,
      detail: v.detail,
    }),
);

/**
 * Appends one line to the audit trail (the table refuses updates, and deletes other than the
 * retention purge's). A prepared query: every step of every flow writes one.
 */
export async function appendAudit(db: Kysely<Database>, entry: AuditRecord): Promise<void> {
  await insertAudit(db, {
    at: entry.at,
    cardId: entry.cardId,
    attemptId: entry.attemptId,
    action: entry.action,
    outcome: entry.outcome,
    sourceAddress: entry.sourceAddress,
    requestId: entry.requestId,
    detail: entry.detail ?? null,
  });
}

/** The newest entries first, optionally for one card and older than entry `beforeId`. */
export async function listAudit(
  db: Kysely<Database>,
  filter: { readonly cardId?: string; readonly limit: number; readonly beforeId?: number },
): Promise<readonly AuditEntry[]> {
  let q = db.selectFrom('audit_log').selectAll();
  if (filter.cardId !== undefined) q = q.where('card_id', '=', filter.cardId);
  if (filter.beforeId !== undefined) q = q.where('id', '<', filter.beforeId);
  const rows = await q.orderBy('id', 'desc').limit(filter.limit).execute();
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    cardId: r.card_id,
    attemptId: r.attempt_id,
    action: r.action,
    outcome: r.outcome,
    sourceAddress: r.source_address,
    requestId: r.request_id,
    detail: r.detail,
  }));
}

/** How many audit rows are older than `before`. */
export async function countAuditBefore(db: Kysely<Database>, before: string): Promise<number> {
  const row = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('at', '<', before)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Deletes up to `limit` audit rows older than `before` in one transaction, which sets the delete
 * trigger's cut-off, clears it again before committing, and records what went in the trail
 * itself, so no audit row leaves without a trace. Returns how many went.
 */
export async function purgeAuditBatch(
  db: Kysely<Database>,
  before: string,
  limit: number,
  now: string,
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await trx
      .updateTable('audit_purge_control')
      .set({ purge_before: before })
      .where('id', '=', 1)
      .execute();
    const r = await trx
      .deleteFrom('audit_log')
      .where('id', 'in', (eb) =>
        eb.selectFrom('audit_log').select('id').where('at', '<', before).orderBy('id').limit(limit),
      )
      .executeTakeFirst();
    const deleted = Number(r.numDeletedRows);
    if (deleted > 0) {
      await appendAudit(trx, {
        at: now,
        cardId: null,
        attemptId: null,
        action: 'retention.audit-purge',
        outcome: 'ok',
        sourceAddress: 'server:retention',
        requestId: null,
        detail: `deleted=${deleted};before=${before}`,
      });
    }
    await trx
      .updateTable('audit_purge_control')
      .set({ purge_before: null })
      .where('id', '=', 1)
      .execute();
    return deleted;
  });
}
