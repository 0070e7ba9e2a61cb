import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { ReportEvent, ReportEventKind } from '../domain/desk/desk-ports';
import type { Database } from './schema';

/**
 * The audit rows the RA managers' reports count, written in [from, to), with their card's site,
 * the time of their attempt's first row (its start) and whether the attempt has a marker row.
 * Both lookups use the audit trail's attempt index (migration 0011).
 */
export async function reportEvents(
  db: Kysely<Database>,
  range: { readonly from: string; readonly to: string },
  kinds: readonly ReportEventKind[],
  markers: readonly string[],
): Promise<readonly ReportEvent[]> {
  const wanted = kinds.filter((k) => k.actions === undefined || k.actions.length > 0);
  if (wanted.length === 0) return [];
  const rows = await db
    .selectFrom('audit_log as a')
    .leftJoin('cards as c', 'c.card_id', 'a.card_id')
    .select(['a.at', 'a.action', 'a.outcome', 'c.site'])
    .select((eb) =>
      eb
        .selectFrom('audit_log as s')
        .select((s) => s.fn.min('s.at').as('first'))
        .whereRef('s.attempt_id', '=', 'a.attempt_id')
        .as('started_at'),
    )
    .select((eb) =>
      markers.length === 0
        ? sql<number>`0`.as('marked')
        : eb
            .exists(
              eb
                .selectFrom('audit_log as p')
                .select('p.id')
                .whereRef('p.attempt_id', '=', 'a.attempt_id')
                .where('p.action', 'in', markers)
                .where('p.outcome', '=', 'ok'),
            )
            .as('marked'),
    )
    .where('a.at', '>=', range.from)
    .where('a.at', '<', range.to)
    .where((eb) =>
      eb.or(
        wanted.map((k) =>
          eb.and([
            eb('a.outcome', '=', k.outcome),
            ...(k.actions === undefined ? [] : [eb('a.action', 'in', k.actions)]),
            ...(k.detail === undefined ? [] : [eb('a.detail', '=', k.detail)]),
          ]),
        ),
      ),
    )
    .orderBy('a.id')
    .execute();
  return rows.map((r) => ({
    at: r.at,
    action: r.action,
    outcome: r.outcome,
    site: r.site ?? null,
    attemptStartedAt: r.started_at ?? null,
    // SQLite answers 0 or 1, PostgreSQL a boolean.
    marked: Boolean(r.marked),
  }));
}
