import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';
import type { Kysely } from 'kysely';
import {
  countHit,
  forgetHits,
  hitsIn,
  type RateLimitWindow,
  uncountHit,
} from '../storage/rate-limit-repository';
import type { Database } from '../storage/schema';
import type { StorageSettings } from '../storage/storage-settings';

/** Makes one store per limiter; the name keeps the limiters' counts apart in the shared table. */
export type RateLimitStoreFactory = (limiter: string) => Store;

/**
 * express-rate-limit's store on the shared database, so all instances count a client together.
 * Windows are fixed and aligned to the epoch, so instances agree on them while their clocks do
 * (NTP).
 */
export class DatabaseRateLimitStore implements Store {
  /** Counts live in the database: one instance's keys do affect the others'. */
  readonly localKeys = false;
  /** express-rate-limit's double-count check tells the limiters apart by this prefix. */
  readonly prefix: string;
  private windowMs = 60_000;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly limiter: string,
    private readonly now: () => number = Date.now,
  ) {
    this.prefix = `${limiter}:`;
  }

  /** Takes the window length from the limiter's options. */
  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  /** The window that `at` falls in, for a client. */
  private window(client: string, at: number): RateLimitWindow {
    const start = Math.floor(at / this.windowMs) * this.windowMs;
    return {
      limiter: this.limiter,
      client,
      windowStart: new Date(start).toISOString(),
      windowEnd: new Date(start + this.windowMs).toISOString(),
    };
  }

  /** Counts one request and says how many the client has made in this window. */
  async increment(key: string): Promise<ClientRateLimitInfo> {
    const w = this.window(key, this.now());
    const totalHits = await countHit(this.db, w);
    return { totalHits, resetTime: new Date(w.windowEnd) };
  }

  /** The client's count in the current window, if it has one. */
  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const w = this.window(key, this.now());
    const totalHits = await hitsIn(this.db, w);
    return totalHits === undefined ? undefined : { totalHits, resetTime: new Date(w.windowEnd) };
  }

  /** Takes back a request counted in the current window. */
  async decrement(key: string): Promise<void> {
    await uncountHit(this.db, this.window(key, this.now()));
  }

  /** Forgets the client's counts. */
  async resetKey(key: string): Promise<void> {
    await forgetHits(this.db, this.limiter, key);
  }

  /** Forgets every client's counts for this limiter. */
  async resetAll(): Promise<void> {
    await forgetHits(this.db, this.limiter);
  }
}

/**
 * The per-address limits' store for the server's database: on PostgreSQL the shared table, so
 * every instance counts a client together; on SQLite, which serves one instance only,
 * express-rate-limit's memory store (undefined), which counts the same without a write per request.
 */
export function rateLimitStoresFor(
  storage: StorageSettings,
  db: Kysely<Database>,
): RateLimitStoreFactory | undefined {
  return storage.kind === 'postgres' ? databaseRateLimitStores(db) : undefined;
}

/** One database store per limiter, on the given database. */
export function databaseRateLimitStores(
  db: Kysely<Database>,
  now?: () => number,
): RateLimitStoreFactory {
  return (limiter) => new DatabaseRateLimitStore(db, limiter, now);
}
