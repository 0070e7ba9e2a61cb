import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import { type DialectKind, migrationProvider } from './migrations';
import type { Database } from './schema';
import { withStatementCache } from './statement-cache';
import type { StorageSettings } from './storage-settings';

/** An open database with its schema up to date. */
export interface OpenDatabase {
  readonly db: Kysely<Database>;
  readonly kind: DialectKind;
  /** True when a trivial query answers: for the readiness probe. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** Opens the configured database and applies every pending migration before returning. */
export async function openDatabase(settings: StorageSettings): Promise<OpenDatabase> {
  const db =
    settings.kind === 'sqlite'
      ? new Kysely<Database>({
          dialect: new SqliteDialect({
            database: () => {
              const file = new SqliteDatabase(settings.file);
              // WAL lets readers run beside the writer; the busy timeout makes a second process
              // wait for the write lock instead of failing at once.
              file.pragma('journal_mode = WAL');
              file.pragma(`busy_timeout = ${settings.busyTimeoutMs}`);
              file.pragma('foreign_keys = ON');
              file.pragma('synchronous = NORMAL');
              return Promise.resolve(withStatementCache(file));
            },
          }),
        })
      : new Kysely<Database>({
          dialect: new PostgresDialect({
            pool: new pg.Pool({ connectionString: settings.url, max: settings.poolSize }),
          }),
        });
  try {
    const { error } = await new Migrator({
      db,
      provider: migrationProvider(settings.kind),
    }).migrateToLatest();
    if (error !== undefined) {
      throw new Error(`Could not bring the ${settings.kind} database schema up to date.`, {
        cause: error,
      });
    }
  } catch (e) {
    await db.destroy();
    throw e;
  }
  return {
    db,
    kind: settings.kind,
    async ping() {
      try {
        await sql`select 1`.execute(db);
        return true;
      } catch {
        return false;
      }
    },
    close: () => db.destroy(),
  };
}
