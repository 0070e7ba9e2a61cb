import express, {
  type ErrorRequestHandler,
  type RequestHandler,
  type Response,
  Router,
} from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { ErrorCode } from '../../src/shared/errors';
import type { HelpContacts } from '../../src/shared/help';
import { NOT_ME_PATH } from '../delivery/not-me-link';
import type { NotMeService } from '../domain/ports';
import { toHttpFailure } from '../http/http-failures';
import {
  NOT_ME_CONTENT_SECURITY_POLICY,
  notMeDonePage,
  notMePage,
  notMeRefusalPage,
} from '../http/not-me-pages';
import { statusForCode } from '../http/status';
import { databaseUnavailableCode } from '../storage/database-unavailable';
import { requestContext } from './mount';

/** What the pages need: the domain's link service, the desk they name, and a per-address limit. */
interface NotMeRoutesDeps {
  readonly notMe: NotMeService;
  readonly help: HelpContacts;
  /** The per-address limiter, counted in the database with the rest (server/app.ts). */
  readonly limit: RequestHandler;
  readonly logger: Logger;
}

/** The token, from the link's query (GET) or the page's form (POST); other fields are ignored. */
const tokenSchema = z.object({ token: z.string().min(1).max(300) });

/** A page, never cached (it names a card's unlock) and under the pages' own strict policy. */
function sendPage(res: Response, status: number, html: string, code?: ErrorCode): void {
  // The request log line and the metrics name the refusal, as for every /v1 failure.
  if (code !== undefined) (res.locals as { errorCode?: ErrorCode }).errorCode = code;
  res.setHeader('Content-Security-Policy', NOT_ME_CONTENT_SECURITY_POLICY);
  res.setHeader('Cache-Control', 'no-store');
  res.status(status).type('html').send(html);
}

/**
 * The unlock notice's "This wasn't me" link, on the public listener outside /v1: GET shows the
 * page and changes nothing (mail scanners fetch links); its form's POST freezes self-service.
 */
export function notMeRoutes(deps: NotMeRoutesDeps): Router {
  const router = Router();
  const refused = (res: Response, code: ErrorCode) =>
    sendPage(res, statusForCode(code), notMeRefusalPage(code, deps.help), code);

  router.use(NOT_ME_PATH, (_req, res, next) => {
    res.locals.routeTemplate = NOT_ME_PATH;
    next();
  });
  router.use(NOT_ME_PATH, deps.limit);
  router.get(NOT_ME_PATH, async (req, res) => {
    const given = tokenSchema.safeParse(req.query);
    if (!given.success) return refused(res, 'NOT_ME_LINK_INVALID');
    const checked = await deps.notMe.check(given.data.token);
    if (!checked.ok) return refused(res, checked.error.code);
    sendPage(res, 200, notMePage(given.data.token, checked.value.unlockedAt, deps.help));
  });
  router.post(
    NOT_ME_PATH,
    express.urlencoded({ extended: false, limit: 2048, parameterLimit: 4 }),
    async (req, res) => {
      const given = tokenSchema.safeParse(req.body ?? {});
      if (!given.success) return refused(res, 'NOT_ME_LINK_INVALID');
      const reported = await deps.notMe.report(given.data.token, requestContext(req));
      if (!reported.ok) return refused(res, reported.error.code);
      sendPage(res, 200, notMeDonePage(reported.value.unlockedAt, deps.help));
    },
  );
  router.all(NOT_ME_PATH, (_req, res) => {
    res.setHeader('Allow', 'GET, POST');
    sendPage(res, 405, notMeRefusalPage('NOT_FOUND', deps.help), 'NOT_FOUND');
  });
  router.use(NOT_ME_PATH, notMeErrors(deps));
  return router;
}

/** Failures on these pages as pages, not JSON: limits and bad bodies as theirs, faults as 5xx. */
function notMeErrors(deps: NotMeRoutesDeps): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const failure = toHttpFailure(error);
    if (failure !== undefined) {
      sendPage(res, failure.status, notMeRefusalPage(failure.code, deps.help), failure.code);
      return;
    }
    const unavailable = databaseUnavailableCode(error);
    if (unavailable === undefined) {
      const logged = error instanceof Error ? error : new Error(String(error));
      deps.logger.error({ err: logged, requestId: req.id, route: NOT_ME_PATH }, 'unhandled error');
    } else {
      deps.logger.warn({ systemCode: unavailable, route: NOT_ME_PATH }, 'database unavailable');
    }
    const code = unavailable === undefined ? 'INTERNAL' : 'SERVICE_UNAVAILABLE';
    sendPage(res, statusForCode(code), notMeRefusalPage(code, deps.help), code);
  };
}
