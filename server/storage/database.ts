import { chmodSync, closeSync, openSync } from 'node:fs';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import { DatabaseOpenError } from './database-open-fault';
import { type DialectKind, migrationProvider } from './migrations';
import type { Database } from './schema';
import { withStatementCache } from './statement-cache';
import type { DependencyCheck } from '../domain/ports';
import type { StorageSettings } from './storage-settings';

/** An open database with its schema up to date. */
export interface OpenDatabase {
  readonly db: Kysely<Database>;
  readonly kind: DialectKind;
  /** Whether a trivial query answers in time, and why not: for the readiness probe. */
  ping(): Promise<DependencyCheck>;
  close(): Promise<void>;
}

/** What openDatabase may be told besides the settings. */
interface OpenDatabaseOptions {
  /**
   * Errors of idle pooled PostgreSQL connections (a restart, `pg_terminate_backend`): the pool
   * drops the connection and the next query opens a new one, so they are reported, not thrown.
   */
  readonly onError?: (error: Error) => void;
}

/** How long the readiness probe waits for its trivial query before it says "not ready". */
const PING_TIMEOUT_MS = 1_500;

/**
 * Settles with the promise, or with `fallback` after `ms`: the probe answers in time even when the
 * database hangs. The timer is cleared either way, so it never keeps a stopping process alive.
 */
async function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

const READ_ONLY =
  'the database is read-only: a standby, or a primary demoted by a failover (check DATABASE_URL)';

/** Whether the database takes writes: after a failover, a stale address can lead to a standby. */
async function writable(db: Kysely<Database>, kind: DialectKind): Promise<boolean> {
  if (kind === 'sqlite') {
    await sql`select 1`.execute(db);
    return true;
  }
  const { rows } = await sql<{
    ro: string;
  }>`select current_setting('transaction_read_only') as ro`.execute(db);
  return rows[0]?.ro === 'off';
}

/** The mode of the SQLite file and its side files: they hold PUKs (sealed) and the audit trail. */
const OWNER_ONLY = 0o600;

/**
 * Makes a file owner-only if it exists. A side file SQLite has not created yet is left alone, and
 * so is a file of another user's (EPERM): its owner's next open tightens it.
 */
function restrict(path: string): void {
  try {
    chmodSync(path, OWNER_ONLY);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'EPERM') throw e;
  }
}

/**
 * Opens a SQLite file that only its owner can read. The file is created 0600 before SQLite opens
 * it, and SQLite gives the -wal and -shm files it creates the database file's mode; files left
 * by an earlier, looser version are tightened.
 */
function openSqliteFile(file: string): SqliteDatabase.Database {
  const onDisk = file !== '' && file !== ':memory:';
  if (onDisk) {
    try {
      // An empty file is an empty database to SQLite; 'wx' creates it without opening an old one.
      closeSync(openSync(file, 'wx', OWNER_ONLY));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    restrict(file);
  }
  const db = new SqliteDatabase(file);
  // WAL lets readers run beside the writer.
  db.pragma('journal_mode = WAL');
  if (onDisk) {
    restrict(`${file}-wal`);
    restrict(`${file}-shm`);
  }
  return db;
}

/**
 * The PostgreSQL pool, with every wait bounded: connecting or waiting for a free connection, and
 * each statement (cancelled by the server; the client gives up a second later when the server is
 * frozen or gone and cannot cancel anything).
 */
function postgresPool(
  settings: Extract<StorageSettings, { kind: 'postgres' }>,
  onError: (error: Error) => void,
): pg.Pool {
  const pool = new pg.Pool({
    connectionString: settings.url,
    max: settings.poolSize,
    connectionTimeoutMillis: settings.connectTimeoutMs,
    statement_timeout: settings.statementTimeoutMs,
    query_timeout: settings.statementTimeoutMs + 1_000,
  });
  // Without a listener, a connection's error (a restart) is an unhandled 'error' event: the pool
  // listens only while a connection is idle, so each one also gets its own for when it is lent out.
  pool.on('error', onError);
  pool.on('connect', (client) => client.on('error', onError));
  return pool;
}

/**
 * Opens the configured database and applies every pending migration before returning; a failure
 * is a DatabaseOpenError with the driver's error as its cause.
 */
export async function openDatabase(
  settings: StorageSettings,
  options: OpenDatabaseOptions = {},
): Promise<OpenDatabase> {
  const db =
    settings.kind === 'sqlite'
      ? new Kysely<Database>({
          dialect: new SqliteDialect({
            database: () => {
              const file = openSqliteFile(settings.file);
              // A second process waits for the write lock instead of failing at once.
              file.pragma(`busy_timeout = ${settings.busyTimeoutMs}`);
              file.pragma('foreign_keys = ON');
              file.pragma('synchronous = NORMAL');
              return Promise.resolve(withStatementCache(file));
            },
          }),
        })
      : new Kysely<Database>({
          dialect: new PostgresDialect({
            pool: postgresPool(settings, options.onError ?? (() => undefined)),
          }),
        });
  try {
    const { error } = await new Migrator({
      db,
      provider: migrationProvider(settings.kind),
    }).migrateToLatest();
    if (error !== undefined) {
      throw new Error(`Could not bring the ${settings.kind} database schema up to date`, {
        cause: error,
      });
    }
  } catch (e) {
    await db.destroy();
    throw new DatabaseOpenError(settings.kind, e);
  }
  return {
    db,
    kind: settings.kind,
    ping: () =>
      within<DependencyCheck>(
        writable(db, settings.kind).then(
          (yes) => (yes ? { ok: true } : { ok: false, reason: READ_ONLY }),
          (e: unknown) => ({ ok: false, reason: e instanceof Error ? e.message : String(e) }),
        ),
        PING_TIMEOUT_MS,
        { ok: false, reason: `no answer within ${PING_TIMEOUT_MS} ms` },
      ),
    close: () => db.destroy(),
  };
}
