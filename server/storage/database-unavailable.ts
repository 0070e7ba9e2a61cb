/**
 * Whether an error means the database cannot be reached or did not answer in time, as opposed to
 * a fault in a query. The server answers the former with 503 SERVICE_UNAVAILABLE (the holder waits
 * and tries again), the latter with 500 INTERNAL.
 */

/** Node socket codes: the database host refused, dropped or never answered the connection. */
const SOCKET_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/** PostgreSQL SQLSTATEs that mean the database cannot serve now; class 08 is also matched. */
const POSTGRES_CODES: ReadonlySet<string> = new Set([
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting or stopping
  '57014', // query_canceled: statement_timeout
  '53300', // too_many_connections
  '25006', // read_only_sql_transaction: a primary demoted by a failover
  // A password or role changed under a running server; at start these are settings faults.
  '28P01',
  '28000',
]);

/** The pg driver's own messages for a lost connection or a wait that ran out; they carry no code. */
const DRIVER_MESSAGES: readonly RegExp[] = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /^Query read timeout/,
  /not queryable/,
];

/**
 * The code (a socket code, a SQLSTATE, SQLITE_BUSY...) or driver message that marks `error`, or a
 * cause of it, as the database being unavailable; undefined for any other error.
 */
export function databaseUnavailableCode(error: unknown, depth = 0): string | undefined {
  if (typeof error !== 'object' || error === null || depth > 5) return undefined;
  const { code, message, cause, errors } = error as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof code === 'string') {
    if (SOCKET_CODES.has(code) || POSTGRES_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) {
      return code;
    }
    // Another process held SQLite's write lock for longer than busy_timeout.
    if (code.startsWith('SQLITE_BUSY')) return code;
  }
  if (typeof message === 'string' && DRIVER_MESSAGES.some((m) => m.test(message))) return message;
  // Node reports a refused connection to every address of a host as an AggregateError.
  const inner = Array.isArray(errors) ? [cause, ...(errors as unknown[])] : [cause];
  for (const e of inner) {
    const found = databaseUnavailableCode(e, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}
