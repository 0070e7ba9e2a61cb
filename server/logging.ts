import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pino, type DestinationStream, type Logger } from 'pino';
import { pinoHttp, type HttpLogger } from 'pino-http';
import type { SerializedRequest, SerializedResponse } from 'pino-std-serializers';
import { z } from 'zod';

/** The log level setting. */
export const logLevelSchema = z.enum([
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
]);
export type LogLevel = z.infer<typeof logLevelSchema>;

/**
 * Paths pino censors wherever they appear in a log line. Request and response bodies are never
 * logged at all; these catch a secret that a future log call might pass by mistake.
 */
export const REDACT_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'body',
  'req.body',
  'res.body',
  ...[
    'answer',
    'answers',
    'code',
    'puk',
    'nextPuk',
    'unconfirmedPuk',
    'signature',
    'passcode',
    'pass',
    'password',
    'pepper',
    'keyEncryptionKey',
    'keyEncryptionKeys',
    'privateKey',
  ].flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
];

/** The server's JSON logger, writing to stdout or to the given stream (tests capture it). */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'smartcard-unlock-server' },
    redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}

/** A client-supplied request id is kept when it is short and plain; otherwise a new one is made. */
const requestIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request id: the caller's X-Request-Id when acceptable, else a fresh UUID; echoed back. */
export function requestId(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id =
    typeof incoming === 'string' && requestIdPattern.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

/** The URL without its query string: paths carry attempt ids at most, never secrets. */
function pathOnly(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/**
 * Logs one line per request: id, method, path, address, status, time and the error code. No
 * headers, no query, no body.
 */
export function httpLogger(logger: Logger): HttpLogger {
  return pinoHttp({
    logger,
    genReqId: requestId,
    serializers: {
      req: (req: SerializedRequest) => ({
        id: req.id,
        method: req.method,
        url: pathOnly(req.url),
        // Express's `ip` honours the validated trust-proxy setting: the client, not the balancer.
        remoteAddress: (req.raw as { ip?: string }).ip ?? req.remoteAddress,
      }),
      res: (res: SerializedResponse) => ({ statusCode: res.statusCode }),
    },
    customProps: (_req, res) => {
      const code = (res as ServerResponse & { locals?: { errorCode?: string } }).locals?.errorCode;
      return code === undefined ? {} : { errorCode: code };
    },
    customLogLevel: (_req, res, error) => {
      if (error !== undefined || res.statusCode >= 500) return 'error';
      return res.statusCode >= 400 ? 'warn' : 'info';
    },
  });
}
