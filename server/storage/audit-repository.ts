import type { Kysely } from 'kysely';
import type { AuditEntry } from '../domain/ports';
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

/** Appends one line to the audit trail (the table refuses updates and deletes). */
export async function appendAudit(db: Kysely<Database>, entry: AuditRecord): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      at: entry.at,
      card_id: entry.cardId,
      attempt_id: entry.attemptId,
      action: entry.action,
      outcome: entry.outcome,
      source_address: entry.sourceAddress,
      request_id: entry.requestId,
      detail: entry.detail ?? null,
    })
    .execute();
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
