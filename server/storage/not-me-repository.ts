import type { Kysely } from 'kysely';
import type { NotMeReport } from '../domain/repository-ports';
import type { Database } from './schema';

/**
 * The "This wasn't me" links used. The attempt id is the primary key, so of two reports of one
 * unlock, on one or several instances, the database lets exactly one in.
 */

/** Records a report; false when this unlock was reported already. */
export async function recordNotMeReport(
  db: Kysely<Database>,
  report: NotMeReport,
): Promise<boolean> {
  const row = await db
    .insertInto('not_me_reports')
    .values({
      attempt_id: report.attemptId,
      card_id: report.cardId,
      unlocked_at: report.unlockedAt,
      reported_at: report.reportedAt,
    })
    .onConflict((oc) => oc.column('attempt_id').doNothing())
    .returning('attempt_id')
    .executeTakeFirst();
  return row !== undefined;
}

/** When this unlock was reported, or undefined when it was not. */
export async function notMeReportedAt(
  db: Kysely<Database>,
  attemptId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('not_me_reports')
    .select('reported_at')
    .where('attempt_id', '=', attemptId)
    .executeTakeFirst();
  return row?.reported_at;
}
