import { redact } from '../../shared/redact';

/**
 * The main process's logging port. Everything outside the composition root logs through this
 * interface, so every line passes through `redact` whatever sink is behind it (electron-log in the
 * app, the console in browser mode, memory in tests).
 */

/** Structured facts attached to a log line. */
type LogFields = Readonly<Record<string, unknown>>;

/** Severity, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** One log line after redaction. */
interface LogRecord {
  readonly level: LogLevel;
  readonly event: string;
  readonly fields: LogFields;
}

/** The logging port: an event name (a short constant sentence) and facts, never free-form secrets. */
export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** Builds a Logger over any sink; records below `minLevel` are dropped, the rest redacted. */
export function createLogger(
  sink: (record: LogRecord) => void,
  minLevel: LogLevel = 'info',
): Logger {
  const threshold = LEVELS.indexOf(minLevel);
  const log =
    (level: LogLevel) =>
    (event: string, fields: LogFields = {}): void => {
      if (LEVELS.indexOf(level) < threshold) return;
      sink({ level, event, fields: redact(fields) as LogFields });
    };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** A logger that keeps its records in memory: for tests that read what was logged. */
export function createMemoryLogger(minLevel: LogLevel = 'debug'): {
  readonly logger: Logger;
  readonly records: LogRecord[];
} {
  const records: LogRecord[] = [];
  return { logger: createLogger((r) => records.push(r), minLevel), records };
}

/** A logger writing one JSON line per record to the console (browser mode and scripts). */
export function createConsoleLogger(minLevel: LogLevel = 'info'): Logger {
  return createLogger((record) => {
    const line = JSON.stringify({ at: new Date().toISOString(), ...record });
    if (record.level === 'error' || record.level === 'warn') console.error(line);
    else console.log(line);
  }, minLevel);
}

/** A logger that drops everything. */
export const silentLogger: Logger = createLogger(() => undefined, 'error');
