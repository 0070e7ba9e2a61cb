import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { appError, type ErrorCode, type ErrorDetails } from '../../src/shared/errors';
import type { HelpContacts } from '../../src/shared/help';
import type { ErrorResponse } from '../../src/shared/http-api';
import type { DomainError } from '../domain/ports';
import { databaseUnavailableCode } from '../storage/database-unavailable';
import { statusForCode } from './status';

/**
 * A request that ends in an error response. Routes throw it (Express 5 forwards rejected
 * promises) and the one error middleware below writes it, so every failure has the same shape.
 */
export class HttpFailure extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly status: number = statusForCode(code),
    readonly details?: ErrorDetails,
  ) {
    super(code);
    this.name = 'HttpFailure';
  }
}

/**
 * Answers a domain refusal (a wrong answer, an expired code...) at once. These are expected
 * outcomes, not exceptions: they skip the Error and Express's error path.
 */
export function sendDomainFailure(res: Response, error: DomainError): void {
  sendFailure(res, { code: error.code, status: statusForCode(error.code), details: error.details });
}

/** A validation failure naming the field (a JSON path such as `answers.0.answer`). */
export function validationFailure(field: string, status = 400): HttpFailure {
  return new HttpFailure('VALIDATION_FAILED', status, { field });
}

/** The error body for a code, worded by the shared catalogue; `null` names no desk's number. */
export function errorBody(
  code: ErrorCode,
  details?: ErrorDetails,
  help: HelpContacts | null = null,
): ErrorResponse {
  return { error: appError(code, details, help) };
}

/** Gives every response of an app the desk its failures name (the server's `help` setting). */
export function namingHelpContacts(help: HelpContacts): RequestHandler {
  return (_req, res, next) => {
    (res.locals as { helpContacts?: HelpContacts }).helpContacts = help;
    next();
  };
}

/** The desk set by `namingHelpContacts`, or none (the operator listener, which people do not read). */
function helpContactsOf(res: Response): HelpContacts | null {
  return (res.locals as { helpContacts?: HelpContacts }).helpContacts ?? null;
}

/** The request id `httpLogger` assigned (always a string behind it: see logging.ts). */
export function requestIdOf(req: { readonly id?: unknown }): string {
  return typeof req.id === 'string' ? req.id : 'unknown';
}

/** The error code written to a response, for logs and metrics. */
export function errorCodeOf(res: Response): ErrorCode | undefined {
  return (res.locals as { errorCode?: ErrorCode }).errorCode;
}

/** Retry-After for codes that mean "wait and try again" when the failure gives no time itself. */
const DEFAULT_RETRY_AFTER_SECONDS: Partial<Record<ErrorCode, number>> = {
  MAIL_UNAVAILABLE: 60,
  SERVICE_UNAVAILABLE: 30,
};

/** Writes a failure: status, Retry-After where it helps, and the JSON body. */
function sendFailure(
  res: Response,
  failure: Pick<HttpFailure, 'code' | 'status' | 'details'>,
): void {
  (res.locals as { errorCode?: ErrorCode }).errorCode = failure.code;
  const retryAfter =
    failure.details?.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS[failure.code];
  if (retryAfter !== undefined) res.setHeader('Retry-After', String(retryAfter));
  res.status(failure.status).json(errorBody(failure.code, failure.details, helpContactsOf(res)));
}

/** What body-parser and Express attach to the errors they raise. */
interface ParserError {
  readonly type?: unknown;
  readonly status?: unknown;
  readonly statusCode?: unknown;
}

/** Body-parser's error types, as the client mistakes they are. */
const PARSER_ERRORS: Readonly<Record<string, { readonly status: number; readonly field: string }>> =
  {
    'entity.parse.failed': { status: 400, field: 'body' },
    'entity.verify.failed': { status: 400, field: 'body' },
    'entity.too.large': { status: 413, field: 'body' },
    'parameters.too.many': { status: 413, field: 'body' },
    'request.aborted': { status: 400, field: 'body' },
    'request.size.invalid': { status: 400, field: 'body' },
    'encoding.unsupported': { status: 415, field: 'content-encoding' },
    'charset.unsupported': { status: 415, field: 'content-type' },
  };

/** Turns anything thrown by a route or a parser into an HttpFailure; unknown errors are 500. */
export function toHttpFailure(error: unknown): HttpFailure | undefined {
  if (error instanceof HttpFailure) return error;
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as ParserError;
  if (typeof e.type === 'string') {
    const known = PARSER_ERRORS[e.type];
    if (known !== undefined) return validationFailure(known.field, known.status);
  }
  const status = typeof e.status === 'number' ? e.status : e.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return status === 404
      ? new HttpFailure('NOT_FOUND', 404)
      : new HttpFailure('VALIDATION_FAILED', status);
  }
  return undefined;
}

/**
 * The one error middleware: known failures get their status and code, an unreachable or timed-out
 * database a 503 (the holder can wait; it is not a bug), anything else a 500.
 */
export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const failure = toHttpFailure(error);
    if (failure !== undefined) {
      sendFailure(res, failure);
      return;
    }
    // Only the error's name, message and stack: never the request body.
    const logged = error instanceof Error ? error : new Error(String(error));
    const where = {
      err: logged,
      requestId: requestIdOf(req),
      route: (res.locals as { routeTemplate?: string }).routeTemplate,
    };
    const unavailable = databaseUnavailableCode(error);
    if (unavailable !== undefined) {
      // `systemCode`: a field named `code` is redacted everywhere as a possible unlock code.
      logger.warn({ ...where, systemCode: unavailable }, 'database unavailable');
      sendFailure(res, new HttpFailure('SERVICE_UNAVAILABLE'));
      return;
    }
    logger.error(where, 'unhandled error');
    sendFailure(res, new HttpFailure('INTERNAL', 500));
  };
}
