import type SqliteDatabase from 'better-sqlite3';
import type { SqliteDatabase as KyselySqliteDatabase, SqliteStatement } from 'kysely';

/** Distinct SQL texts kept prepared; the server's queries number a few dozen. */
export const STATEMENT_CACHE_SIZE = 200;

/**
 * The SQLite file as Kysely's driver sees it, with each distinct SQL text prepared once and
 * reused. Kysely's driver prepares every query afresh, and on the answer path that preparing cost
 * as much main-thread time as running the queries (bench/server, issue 4).
 *
 * The cache keeps the most recently used `size` statements. A statement still being iterated (a
 * streamed query) is busy and cannot run again, so that caller gets a fresh one. SQLite
 * re-prepares a cached statement by itself when a migration changes the schema under it.
 */
export function withStatementCache(
  file: SqliteDatabase.Database,
  size: number = STATEMENT_CACHE_SIZE,
): KyselySqliteDatabase {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => {
      cache.clear();
      file.close();
    },
    prepare(sql: string): SqliteStatement {
      const cached = cache.get(sql);
      if (cached !== undefined) {
        if (cached.busy) return file.prepare(sql);
        // Move it to the most recently used end.
        cache.delete(sql);
        cache.set(sql, cached);
        return cached;
      }
      const statement = file.prepare(sql);
      cache.set(sql, statement);
      if (cache.size > size) {
        const oldest = cache.keys().next();
        if (oldest.done !== true) cache.delete(oldest.value);
      }
      return statement;
    },
  };
}
