import express, {
  type ErrorRequestHandler,
  type Request,
  type RequestHandler,
  Router,
} from 'express';
import type { Logger } from 'pino';
import type { AuditRecord } from '../domain/ports';
import { requestIdOf } from '../http/http-failures';
import { consoleAssets } from './console-assets';
import { clearCookie, readCookie, type ConsoleCookies } from './console-cookies';
import { ConsoleRefusal, requireRole, sendPage, signedIn, type Operator } from './console-page';
import type { ConsoleSessions } from './console-sessions';
import type { ConsoleSettings } from './console-settings';
import {
  csrfRefusedBody,
  forbiddenBody,
  homeBody,
  notFoundBody,
  serverErrorBody,
} from './console-views';
import { csrfCheck } from './csrf';
import type { SafeHtml } from './html';
import type { OpenIdSignIn } from './oidc-sign-in';
import { CONSOLE_BASE, NAVIGATION } from './page-shell';
import {
  safeReturn,
  sendPlainPage,
  sendSignedOut,
  signInRoutes,
  type ConsoleAudit,
} from './sign-in-routes';

/**
 * The service desk console on the operator listener, mounted at /console: its assets and sign-in,
 * then the session, the CSRF check, the home page and every page router, then the refusal pages.
 * How to add a page: docs/architecture.md, "The service desk console".
 */

/** What the console needs, wired in server/console/create-console.ts. */
interface ConsoleDeps {
  readonly settings: ConsoleSettings;
  readonly sessions: ConsoleSessions;
  readonly signIn: OpenIdSignIn;
  readonly audit: { append(entry: AuditRecord): Promise<void> };
  readonly logger: Logger;
  readonly cookies: ConsoleCookies;
  readonly now: () => Date;
}

/**
 * The console's pages' policy: nothing loads from elsewhere, no script at all, no framing; forms
 * post only here. Pages are never cached: they show holders' details.
 */
const CONSOLE_CSP = [
  "default-src 'none'",
  "style-src 'self'",
  "img-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const policy: RequestHandler = (_req, res, next) => {
  res.setHeader('Content-Security-Policy', CONSOLE_CSP);
  res.setHeader('Cache-Control', 'no-store');
  // same-origin, not no-referrer: under no-referrer Chromium sends `Origin: null` with a form's POST.
  res.setHeader('Referrer-Policy', 'same-origin');
  next();
};

/** Loads the session; without one, a GET goes to sign-in and anything else is told it was signed out. */
function sessionMiddleware(deps: ConsoleDeps, audit: ConsoleAudit): RequestHandler {
  return async (req, res, next) => {
    const found = await deps.sessions.load(readCookie(req, deps.cookies.session));
    const returnTo = req.method === 'GET' ? safeReturn(req.originalUrl) : undefined;
    if (found.kind === 'live') {
      res.locals.operator = found.operator;
      res.locals.csrfToken = found.csrfToken;
      return next();
    }
    clearCookie(res, deps.cookies.session);
    if (found.kind === 'expired') {
      await audit(req, {
        action: 'console.session-end',
        outcome: 'SESSION_EXPIRED',
        actor: found.operator.id,
        detail: `why=${found.why}`,
      });
      return sendSignedOut(res, 401, deps.settings, found.why, returnTo);
    }
    if (req.method === 'GET' && returnTo !== undefined) {
      return res.redirect(303, `${CONSOLE_BASE}/sign-in?return=${encodeURIComponent(returnTo)}`);
    }
    sendSignedOut(res, 401, deps.settings, 'no-session');
  };
}

/** A refusal's page, in the shell of whoever is signed in (if anyone). */
function sendRefusal(
  res: express.Response,
  status: number,
  title: string,
  body: SafeHtml,
  operator: Operator | undefined,
): void {
  if (operator === undefined) return sendPlainPage(res, status, title, body);
  sendPage(res, { status, title, body });
}

/** Renders refusals (audited) and unexpected errors (logged) as the console's pages. */
function errorPages(deps: ConsoleDeps, audit: ConsoleAudit): ErrorRequestHandler {
  return async (error: unknown, req, res, _next) => {
    const operator = (res.locals as { operator?: Operator }).operator;
    if (error instanceof ConsoleRefusal) {
      if (error.reason === 'not-found') {
        return sendRefusal(res, 404, 'Page not found', notFoundBody(), operator);
      }
      const csrf = error.reason === 'csrf';
      await audit(req, {
        action: csrf ? 'console.csrf-refused' : 'console.access-denied',
        outcome: csrf ? 'CSRF_REFUSED' : 'FORBIDDEN',
        ...(operator === undefined ? {} : { actor: operator.id }),
        detail: `${error.detail ?? ''};method=${req.method};path=${req.baseUrl}${req.path}`,
      });
      return csrf
        ? sendRefusal(res, 403, 'This form could not be sent', csrfRefusedBody(), operator)
        : sendRefusal(res, 403, 'You do not have access to this page', forbiddenBody(), operator);
    }
    deps.logger.error({ err: error, requestId: requestIdOf(req) }, 'a console page failed');
    if (res.headersSent) return;
    sendRefusal(
      res,
      500,
      'Sorry, there is a problem with the service',
      serverErrorBody(),
      operator,
    );
  };
}

/** The console, mounted at /console; `pages` are the page routers (server/console/console-pages.ts). */
export function createConsoleRouter(deps: ConsoleDeps, pages: readonly Router[]): Router {
  const originOf = (req: Request) =>
    deps.settings.url?.origin ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;
  const audit: ConsoleAudit = async (req, entry) => {
    const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    await deps.audit.append({
      at: deps.now().toISOString(),
      cardId: null,
      attemptId: null,
      action: entry.action,
      outcome: entry.outcome,
      sourceAddress: entry.actor ?? 'console:anonymous',
      requestId: requestIdOf(req),
      detail: `address=${address}${entry.detail === undefined ? '' : `;${entry.detail}`}`,
    });
  };
  const router = Router();
  router.use(policy);
  router.use('/assets', consoleAssets());
  router.use(signInRoutes({ ...deps, audit, originOf }));
  router.use(sessionMiddleware(deps, audit));
  router.use(express.urlencoded({ extended: false, limit: '32kb', parameterLimit: 100 }));
  router.use(csrfCheck(originOf));
  // Each task's pages need its role, whatever their router does: one table, checked here too.
  for (const task of NAVIGATION) {
    router.use(task.href.slice(CONSOLE_BASE.length), requireRole(task.role));
  }
  router.post('/sign-out', async (req, res) => {
    const { operator } = signedIn(res);
    const id = readCookie(req, deps.cookies.session);
    if (id !== undefined) await deps.sessions.end(id);
    clearCookie(res, deps.cookies.session);
    await audit(req, { action: 'console.sign-out', outcome: 'ok', actor: operator.id });
    res.redirect(303, `${CONSOLE_BASE}/signed-out`);
  });
  router.get('/', (_req, res) => {
    const { operator, csrfToken } = signedIn(res);
    sendPage(res, {
      title: 'Service desk home',
      body: homeBody({ name: operator.name, role: operator.role, csrfToken }),
    });
  });
  for (const page of pages) router.use(page);
  router.use((_req, _res, next) => next(new ConsoleRefusal('not-found')));
  router.use(errorPages(deps, audit));
  return router;
}
