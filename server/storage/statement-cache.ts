import type SqliteDatabase from 'better-sqlite3';
import type { SqliteDatabase as KyselySqliteDatabase, SqliteStatement } from 'kysely';

/** Distinct SQL texts kept prepared; the server's queries number a few dozen. */
const STATEMENT_CACHE_SIZE = 200;

/**
 * The SQLite file as Kysely's driver sees it, each SQL text prepared once (docs/decisions/0005):
 * the `size` most recently used are kept; a busy (streamed) statement gets a fresh one, and
 * SQLite re-prepares a cached one itself after a migration.
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
