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
 * An error as logged: pino's standard fields, with the error's own `code` (ECONNREFUSED, EAUTH,
 * PostgreSQL's 28P01, SQLITE_BUSY...) as `systemCode`, since `code` is redacted everywhere as a
 * possible unlock code, and those codes are what IT needs to read. Its other fields are redacted
 * like the rest of the line.
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
      // Each line's own fields are redacted as it is written (`redact`, shared with the desktop
      // app's log, one pass over the line): pino's own path redaction walked its wildcard paths
      // for every line and cost several times the rest of the logging (bench/server, issue 4).
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
  // A child's bindings are written into every line it logs without passing the line formatter, so
  // they are redacted once, when the child is made. Children inherit this `child`, so it holds at
  // every depth; pino's own is called with each logger's `this`, as it expects.
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
 * Logs one line per request when its response is written ("request completed") or its client
 * went away first ("request aborted"): id, method, path, address, status, time in ms and the error
 * code. No headers, no query, no body. 4xx lines are warnings, 5xx errors.
 *
 * It gives each request its id (`req.id`, echoed as X-Request-Id) and a `req.log` bound to the
 * request, made only when a handler logs. This replaces pino-http, whose per-request child logger
 * and serializers were a tenth of the answer path's main-thread time (bench/server, issue 4).
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
