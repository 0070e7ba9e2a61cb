import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pino, type DestinationStream, type Logger } from 'pino';
import { z } from 'zod';
import { redact } from '../src/shared/redact';

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
 * An error as logged, its own `code` (ECONNREFUSED, 28P01, SQLITE_BUSY...) kept as `systemCode` for
 * IT, since `code` is redacted everywhere as a possible unlock code; its other fields redacted.
 */
function serializeError(error: Error): unknown {
  const { code, ...rest } = pino.stdSerializers.err(error) as Record<string, unknown>;
  return redact(
    typeof code === 'string' || typeof code === 'number' ? { ...rest, systemCode: code } : rest,
  );
}

/** The server's JSON logger, writing to stdout or to the given stream (tests capture it). */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'smartcard-unlock-server' },
    formatters: {
      // Each line's own fields are redacted as it is written (one pass, shared with the desktop
      // log): pino's wildcard path redaction cost several times the rest of logging (bench/server).
      // The error under `err` is left to its serializer, which redacts what it keeps.
      log: (line: Record<string, unknown>) => {
        if (line.err === undefined) return redact(line) as Record<string, unknown>;
        const { err, ...rest } = line;
        return { ...(redact(rest) as Record<string, unknown>), err };
      },
    },
    serializers: { err: serializeError },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  const root = destination === undefined ? pino(options) : pino(options, destination);
  // A child's bindings skip the line formatter, so they are redacted once, when the child is made;
  // children inherit this `child`, so that holds at every depth.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const plainChild = root.child;
  root.child = function child(this: Logger, bindings, childOptions) {
    return plainChild.call(this, redact(bindings) as typeof bindings, childOptions);
  } as typeof root.child;
  return root;
}

/** A client-supplied request id is kept when it is short and plain; otherwise a new one is made. */
const requestIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request id: the caller's X-Request-Id when acceptable, else a fresh UUID; echoed back. */
function requestId(req: IncomingMessage, res: ServerResponse): string {
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

/** The request as logged: id, method, path and the client's address. */
function requestFields(req: Request, id: string) {
  return {
    id,
    method: req.method,
    url: pathOnly(req.originalUrl),
    // Express's `ip` honours the validated trust-proxy setting: the client, not the balancer.
    remoteAddress: req.ip ?? req.socket.remoteAddress,
  };
}

/**
 * One line per request, completed or aborted (id, method, path, address, status, ms, error code;
 * no headers, query or body), with `req.id` and a lazy `req.log`: pino-http cost a tenth of the
 * answer path.
 */
export function httpLogger(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    const id = requestId(req, res);
    req.id = id;
    let child: Logger | undefined;
    Object.defineProperty(req, 'log', {
      configurable: true,
      enumerable: false,
      get: () => (child ??= logger.child({ req: requestFields(req, id) })),
    });
    const done = (aborted: boolean) => {
      res.off('finish', onFinish);
      res.off('close', onClose);
      const statusCode = res.statusCode;
      const errorCode = (res.locals as { errorCode?: string }).errorCode;
      const level = aborted
        ? 'warn'
        : statusCode >= 500
          ? 'error'
          : statusCode >= 400
            ? 'warn'
            : 'info';
      if (!logger.isLevelEnabled(level)) return;
      logger[level](
        {
          req: requestFields(req, id),
          res: { statusCode },
          responseTime: Math.round(performance.now() - started),
          ...(errorCode === undefined ? {} : { errorCode }),
        },
        aborted ? 'request aborted' : 'request completed',
      );
    };
    const onFinish = () => done(false);
    const onClose = () => done(true);
    res.on('finish', onFinish);
    res.on('close', onClose);
    next();
  };
}

declare module 'http' {
  interface IncomingMessage {
    /** The request id, set by `httpLogger` for every request behind it. */
    id: string;
    /** A logger whose lines name this request, set by `httpLogger`. */
    log: Logger;
  }
}
