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

/**
 * PostgreSQL SQLSTATEs: admin_shutdown, crash_shutdown, cannot_connect_now (starting or stopping),
 * query_canceled (statement_timeout), too_many_connections, read_only_sql_transaction (a demoted
 * primary after a failover), and a password or role changed under a running server (28P01, 28000);
 * class 08 is connection exceptions. At start the last two are settings faults instead.
 */
const POSTGRES_CODES: ReadonlySet<string> = new Set([
  '57P01',
  '57P02',
  '57P03',
  '57014',
  '53300',
  '25006',
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
