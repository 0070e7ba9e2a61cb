import type { Kysely } from 'kysely';
import type { AuditEntry } from '../domain/ports';
import { preparedQuery } from './prepared-query';
import type { Database } from './schema';

/** One step to record; `detail` holds facts such as tries left, never a secret. */
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
 * Appends one line to the audit trail (the table refuses updates and deletes). A prepared query:
 * every step of every flow writes one.
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

/** The newest entries first, optionally for one card. */
export async function listAudit(
  db: Kysely<Database>,
  filter: { readonly cardId?: string; readonly limit: number },
): Promise<readonly (AuditEntry & { readonly detail: string | null })[]> {
  let q = db.selectFrom('audit_log').selectAll();
  if (filter.cardId !== undefined) q = q.where('card_id', '=', filter.cardId);
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
