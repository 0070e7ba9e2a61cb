import type { Kysely } from 'kysely';
import { preparedQuery } from './prepared-query';
import type { Database } from './schema';

/**
 * Per-address request counts in fixed windows. A request is counted by one upsert that returns
 * the new count, so requests racing on one client, on one or several instances, each get their
 * own number and none is lost: there is no read before the write.
 */

/** One client's window of one limiter. */
export interface RateLimitWindow {
  readonly limiter: string;
  readonly client: string;
  /** ISO time the window starts; with `limiter` and `client`, the row's key. */
  readonly windowStart: string;
  readonly windowEnd: string;
}

const upsertHit = preparedQuery(
  (db, v: { limiter: string; client: string; windowStart: string; windowEnd: string }) =>
    db
      .insertInto('rate_limits')
      .values({
        limiter: v.limiter,
        client: v.client,
        window_start: v.windowStart,
        window_end: v.windowEnd,
        hits: 1,
      })
      .onConflict((oc) =>
        oc
          .columns(['limiter', 'client', 'window_start'])
          .doUpdateSet((eb) => ({ hits: eb('rate_limits.hits', '+', 1) })),
      )
      .returning('hits'),
);

/**
 * Counts one request in the window (creating it at 1) and returns the window's new count. A
 * prepared query: every /v1 request runs it.
 */
export async function countHit(db: Kysely<Database>, w: RateLimitWindow): Promise<number> {
  const [row] = (await upsertHit(db, w)).rows;
  if (row === undefined) throw new Error('The rate-limit count returned no row.');
  return Number(row.hits);
}

/** Takes one request back out of the window (express-rate-limit's skip options), never below 0. */
export async function uncountHit(db: Kysely<Database>, w: RateLimitWindow): Promise<void> {
  await db
    .updateTable('rate_limits')
    .set((eb) => ({ hits: eb('hits', '-', 1) }))
    .where('limiter', '=', w.limiter)
    .where('client', '=', w.client)
    .where('window_start', '=', w.windowStart)
    .where('hits', '>', 0)
    .execute();
}

/** The window's count, or undefined when the client has not been counted in it. */
export async function hitsIn(
  db: Kysely<Database>,
  w: RateLimitWindow,
): Promise<number | undefined> {
  const row = await db
    .selectFrom('rate_limits')
    .select('hits')
    .where('limiter', '=', w.limiter)
    .where('client', '=', w.client)
    .where('window_start', '=', w.windowStart)
    .executeTakeFirst();
  return row === undefined ? undefined : Number(row.hits);
}

/** Forgets a client's counts for one limiter (or every client's, without `client`). */
export async function forgetHits(
  db: Kysely<Database>,
  limiter: string,
  client?: string,
): Promise<void> {
  let q = db.deleteFrom('rate_limits').where('limiter', '=', limiter);
  if (client !== undefined) q = q.where('client', '=', client);
  await q.execute();
}
