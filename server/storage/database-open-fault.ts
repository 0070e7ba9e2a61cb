import { databaseUnavailableCode } from './database-unavailable';
import { postgresTarget, type StorageSettings } from './storage-settings';

/**
 * Why the database could not be opened at start, worded for the person starting the server. A
 * database that refuses the URL's user, password or database name is a settings fault (exit 78:
 * the service manager must not restart into the same refusal); one that is down may come back.
 */

/** openDatabase's failure, whatever its cause (kept as `cause`), so start-up can tell it apart. */
export class DatabaseOpenError extends Error {
  constructor(kind: StorageSettings['kind'], cause: unknown) {
    super(`The ${kind} database could not be opened`, { cause });
    this.name = 'DatabaseOpenError';
  }
}

/** What went wrong opening the database, and how the process should end. */
interface DatabaseOpenFault {
  /**
   * `settings`: only a change of settings (or of the database's roles) fixes it; `unavailable`:
   * the database may come back, so a restart can help; `failed`: anything else.
   */
  readonly kind: 'settings' | 'unavailable' | 'failed';
  /** The SQLSTATE, socket or SQLite code that decided it, for the log. */
  readonly code: string | undefined;
  /** What is wrong and what to do, naming the setting and its source; never the password. */
  readonly message: string;
}

/** The first `code` on the error or its causes (an AggregateError's errors too) that `wanted` accepts. */
function findCode(
  error: unknown,
  wanted: (code: string) => boolean,
  depth = 0,
): string | undefined {
  if (typeof error !== 'object' || error === null || depth > 5) return undefined;
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string' && wanted(code)) return code;
  for (const inner of Array.isArray(errors) ? [cause, ...(errors as unknown[])] : [cause]) {
    const found = findCode(inner, wanted, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The messages of an error and its causes, as one line ("outer: inner"), past the wrapper. */
function messages(error: unknown, depth = 0): string {
  if (error instanceof DatabaseOpenError) return messages(error.cause, depth + 1);
  if (!(error instanceof Error) || depth > 5) return String(error);
  const own = error.message.replace(/\.$/, '');
  return error.cause === undefined ? own : `${own}: ${messages(error.cause, depth + 1)}`;
}

/** The settings and variable to correct, from where the value came. */
function whereToCorrect(setting: string, variable: string, source: string): string {
  if (source.startsWith('config file ')) {
    return `${setting} in ${source.slice('config file '.length)} (or set ${variable}, which overrides it)`;
  }
  return variable;
}

/** SQLite and file-system codes that mean the file or its folder cannot be used as set up. */
const SQLITE_SETUP_CODES: ReadonlySet<string> = new Set([
  'EACCES',
  'EPERM',
  'EROFS',
  'ENOENT',
  'ENOTDIR',
  'SQLITE_CANTOPEN',
  'SQLITE_READONLY',
  'SQLITE_PERM',
]);

function postgresFault(
  error: unknown,
  settings: Extract<StorageSettings, { kind: 'postgres' }>,
  source: string,
): DatabaseOpenFault {
  const target = postgresTarget(settings.url);
  const correct = whereToCorrect('storage.url', 'DATABASE_URL', source);
  const setting = `storage.url (${source})`;
  if (target === undefined || findCode(error, (c) => c === 'ERR_INVALID_URL') !== undefined) {
    return {
      kind: 'settings',
      code: 'ERR_INVALID_URL',
      message: `The server cannot start: ${setting} is not a URL the database driver can read. Correct ${correct}: postgres://user:password@host:5432/database, with any @ : / # % in the password percent-encoded.`,
    };
  }
  const at = `PostgreSQL at ${target.host}:${target.port}`;
  const database = target.database === '' ? 'named after the user' : `"${target.database}"`;
  // SQLSTATEs meaning the URL's user, password or database is wrong for this server: wrong
  // password, no such role (or pg_hba.conf entry), no such database, no right to create tables.
  const refusals: Readonly<Record<string, string>> = {
    '28P01': `${at} refused the password of user "${target.user}" (28P01 invalid_password). Correct the password in ${correct}, or give the user that password in PostgreSQL (ALTER ROLE ... PASSWORD).`,
    '28000': `${at} does not let user "${target.user}" connect to database ${database} (28000 invalid_authorization_specification: no such role, or pg_hba.conf has no entry for this host and user). Correct the user in ${correct}, or create the role or its pg_hba.conf entry in PostgreSQL.`,
    '3D000': `${at} has no database ${database} (3D000 invalid_catalog_name). Correct the database name in ${correct}, or create it (CREATE DATABASE ... OWNER ...).`,
    '42501': `${at} does not let user "${target.user}" create the server's tables in database ${database} (42501 insufficient_privilege). Make the user the database's owner (ALTER DATABASE ... OWNER TO ...), or correct the user in ${correct}.`,
  };
  const refusal = findCode(error, (c) => Object.hasOwn(refusals, c));
  if (refusal !== undefined) {
    return {
      kind: 'settings',
      code: refusal,
      message: `The server cannot start: ${setting}: ${refusals[refusal] ?? refusal}`,
    };
  }
  const unavailable = findCode(error, (c) => c === 'ENOTFOUND') ?? databaseUnavailableCode(error);
  if (unavailable !== undefined) {
    const why =
      unavailable === 'ENOTFOUND'
        ? 'cannot be found: its host name does not resolve (ENOTFOUND)'
        : /\s/.test(unavailable)
          ? `did not answer within ${settings.connectTimeoutMs} ms (storage.connectTimeoutMs)`
          : `cannot be reached (${unavailable})`;
    return {
      kind: 'unavailable',
      code: unavailable,
      message: `The server cannot start yet: ${at} (storage.url, from ${source}) ${why}. Check that PostgreSQL is running and reachable from this host, and that ${correct} names it. The exit status is 1, so the service manager may start the server again.`,
    };
  }
  return {
    kind: 'failed',
    code: findCode(error, () => true),
    message: `The server could not open its database, ${at} (storage.url, from ${source}): ${messages(error)}.`,
  };
}

function sqliteFault(
  error: unknown,
  settings: Extract<StorageSettings, { kind: 'sqlite' }>,
  source: string,
): DatabaseOpenFault {
  const from = source === 'not set' ? 'the default file under dataDir (DATA_DIR)' : source;
  const setup = findCode(error, (c) => SQLITE_SETUP_CODES.has(c));
  if (setup !== undefined) {
    return {
      kind: 'settings',
      code: setup,
      message: `The server cannot start: storage.file (${from}): SQLite cannot open ${settings.file} (${setup}). Check that its folder exists and that the server's user may write to it, or correct DATA_DIR (or storage.file in the config file).`,
    };
  }
  const busy = databaseUnavailableCode(error);
  return {
    kind: busy === undefined ? 'failed' : 'unavailable',
    code: busy ?? findCode(error, () => true),
    message: `The server could not open its database, ${settings.file} (storage.file, from ${from}): ${messages(error)}.`,
  };
}

/**
 * Words a failure of openDatabase at start. `source` is where the setting came from: of
 * storage.url for PostgreSQL, of storage.file for SQLite ("not set" when it is the default).
 */
export function databaseOpenFault(
  error: unknown,
  settings: StorageSettings,
  source: string,
): DatabaseOpenFault {
  return settings.kind === 'postgres'
    ? postgresFault(error, settings, source)
    : sqliteFault(error, settings, source);
}

/** The settings a start-up fault is worded from: the storage, and where each setting came from. */
interface StorageSettingsWithSources {
  readonly core: { readonly storage: StorageSettings };
  sourceOf(setting: string): string;
}

/** `databaseOpenFault` for the configured storage, naming the source of its setting. */
export function configuredDatabaseFault(
  error: unknown,
  settings: StorageSettingsWithSources,
): DatabaseOpenFault {
  const { storage } = settings.core;
  const setting = storage.kind === 'postgres' ? 'storage.url' : 'storage.file';
  return databaseOpenFault(error, storage, settings.sourceOf(setting));
}
