import type { Expression, ExpressionBuilder, Kysely, SqlBool } from 'kysely';
import { z } from 'zod';
import { countAuditBefore, purgeAuditBatch } from './audit-repository';
import { countEndedConsoleSessions, purgeConsoleSessions } from './console-session-repository';
import type { Database } from './schema';

/**
 * How long the server keeps finished attempts, ended rate-limit windows, past release counts, ended
 * console sessions and (only with `auditDays`) audit rows, and the purge that removes them, each audit batch leaving an
 * audit row (docs/deployment.md, "Retention and the purge").
 */

const DAY_MS = 24 * 60 * 60 * 1000;

/** The retention settings (the config file's `retention` section). */
export const retentionSettingsSchema = z
  .object({
    /**
     * Days an attempt is kept after it ended or expired: long enough for the service desk to
     * look at a caller's recent attempt, short enough not to keep nonces and code hashes for good.
     */
    endedAttemptDays: z.number().int().min(1).max(3650).default(30),
    /** How often each instance purges (it also purges once at start). */
    purgeIntervalMinutes: z.number().int().min(1).max(1440).default(60),
    /**
     * Days audit rows are kept; null (the default) keeps them for good. At least 30, so a slip in
     * the settings cannot erase the last month's trail.
     */
    auditDays: z.number().int().min(30).max(36_500).nullable().default(null),
  })
  .strict();

/** The parsed retention settings. */
export type RetentionSettings = z.infer<typeof retentionSettingsSchema>;

/** The defaults, for a settings object without a `retention` section. */
export const DEFAULT_RETENTION: RetentionSettings = retentionSettingsSchema.parse({});

/** What a purge removed, or would remove in a dry run, table by table. */
export interface PurgeCounts {
  readonly attempts: number;
  readonly rateLimitWindows: number;
  readonly pukReleaseDays: number;
  /** Service desk console sessions and sign-ins that have ended (idle, at their lifetime, unused). */
  readonly consoleSessions: number;
  /** Null when `retention.auditDays` is not set: the audit trail is kept. */
  readonly auditRows: number | null;
}

/** What the purge reads of the settings; without `auditDays` the audit trail is kept. */
type PurgeRetention = Pick<RetentionSettings, 'endedAttemptDays'> &
  Partial<Pick<RetentionSettings, 'auditDays'>>;

/** Rows are deleted this many at a time, so a first purge of a big table holds no long lock. */
const BATCH = 1000;

/** The purge's cut-off times for `now`. */
function purgeCutoffs(
  now: Date,
  retention: PurgeRetention,
): {
  readonly attemptsBefore: string;
  readonly pukDaysBefore: string;
  readonly auditBefore: string | null;
  readonly now: string;
} {
  const attemptsBefore = new Date(now.getTime() - retention.endedAttemptDays * DAY_MS);
  const auditDays = retention.auditDays ?? null;
  return {
    attemptsBefore: attemptsBefore.toISOString(),
    pukDaysBefore: attemptsBefore.toISOString().slice(0, 10),
    auditBefore:
      auditDays === null ? null : new Date(now.getTime() - auditDays * DAY_MS).toISOString(),
    now: now.toISOString(),
  };
}

/**
 * An attempt that ended before the cut-off, or never ended but expired before it (an attempt
 * left open is only marked ended when someone touches it again).
 */
const finishedBefore =
  (cutoff: string) =>
  (eb: ExpressionBuilder<Database, 'attempts'>): Expression<SqlBool> =>
    eb.or([
      eb('ended_at', '<', cutoff),
      eb.and([eb('ended_at', 'is', null), eb('expires_at', '<', cutoff)]),
    ]);

/** Counts what a purge at `now` would remove. */
export async function countPurgeable(
  db: Kysely<Database>,
  now: Date,
  retention: PurgeRetention,
): Promise<PurgeCounts> {
  const c = purgeCutoffs(now, retention);
  const [attempts, windows, days, consoleSessions, auditRows] = await Promise.all([
    db
      .selectFrom('attempts')
      .select((eb) => eb.fn.countAll().as('n'))
      .where(finishedBefore(c.attemptsBefore))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('rate_limits')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('window_end', '<=', c.now)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('puk_releases')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('day', '<', c.pukDaysBefore)
      .executeTakeFirstOrThrow(),
    countEndedConsoleSessions(db, c.now),
    c.auditBefore === null ? null : countAuditBefore(db, c.auditBefore),
  ]);
  return {
    attempts: Number(attempts.n),
    rateLimitWindows: Number(windows.n),
    pukReleaseDays: Number(days.n),
    consoleSessions,
    auditRows,
  };
}

/**
 * Deletes what is past its retention at `now`. Each statement is a plain conditional DELETE, so
 * instances purging at the same time only split the work between them (audit batches take turns
 * on the purge's control row).
 */
export async function purgeExpired(
  db: Kysely<Database>,
  now: Date,
  retention: PurgeRetention,
): Promise<PurgeCounts> {
  const c = purgeCutoffs(now, retention);
  let attempts = 0;
  for (;;) {
    const r = await db
      .deleteFrom('attempts')
      .where('attempt_id', 'in', (eb) =>
        eb
          .selectFrom('attempts')
          .select('attempt_id')
          .where(finishedBefore(c.attemptsBefore))
          .limit(BATCH),
      )
      .executeTakeFirst();
    const deleted = Number(r.numDeletedRows);
    attempts += deleted;
    if (deleted < BATCH) break;
  }
  const windows = await db
    .deleteFrom('rate_limits')
    .where('window_end', '<=', c.now)
    .executeTakeFirst();
  const days = await db
    .deleteFrom('puk_releases')
    .where('day', '<', c.pukDaysBefore)
    .executeTakeFirst();
  const consoleSessions = await purgeConsoleSessions(db, c.now);
  let auditRows: number | null = null;
  if (c.auditBefore !== null) {
    auditRows = 0;
    for (;;) {
      const deleted = await purgeAuditBatch(db, c.auditBefore, BATCH, c.now);
      auditRows += deleted;
      if (deleted < BATCH) break;
    }
  }
  return {
    attempts,
    rateLimitWindows: Number(windows.numDeletedRows),
    pukReleaseDays: Number(days.numDeletedRows),
    consoleSessions,
    auditRows,
  };
}
