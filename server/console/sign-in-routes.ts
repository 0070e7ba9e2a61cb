import { type Request, type Response, Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { clearCookie, readCookie, setCookie, type ConsoleCookies } from './console-cookies';
import type { ConsoleSessions } from './console-sessions';
import type { ConsoleSettings } from './console-settings';
import {
  continueBody,
  noRoleBody,
  signedOutBody,
  signInFailedBody,
  type SignedOutReason,
} from './console-views';
import type { SafeHtml } from './html';
import type { OpenIdSignIn } from './oidc-sign-in';
import { operatorFromClaims } from './operator-claims';
import { CONSOLE_BASE, renderPage } from './page-shell';

/**
 * Sign-in and its pages, before any session: the redirect to the provider, its return (a new
 * session under a new id), and "You have been signed out". Sign-out itself is a form's POST,
 * behind the CSRF check (console-router.ts).
 */

/** What a sign-in or sign-out writes to the audit trail. */
export type ConsoleAudit = (
  req: Request,
  entry: {
    readonly action: string;
    readonly outcome: string;
    readonly actor?: string;
    readonly detail?: string;
  },
) => Promise<void>;

/** What the sign-in routes work with. */
interface SignInDeps {
  readonly settings: ConsoleSettings;
  readonly sessions: ConsoleSessions;
  readonly signIn: OpenIdSignIn;
  readonly cookies: ConsoleCookies;
  readonly audit: ConsoleAudit;
  readonly logger: Logger;
  /** This console's origin as the operator's browser sees it. */
  readonly originOf: (req: Request) => string;
}

/** A page to return to after sign-in: a console path, never another site's. */
const returnToSchema = z
  .string()
  .max(500)
  .regex(/^\/console(\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*)?$/)
  .refine((p) => !p.includes('//') && !p.includes('/.'));

/** The page to return to, from a query value: a console page, else the home page. */
export function safeReturn(value: unknown): string {
  const parsed = returnToSchema.safeParse(value);
  return parsed.success ? parsed.data : `${CONSOLE_BASE}/`;
}

/** A page outside a session: no operator in the header. */
export function sendPlainPage(
  res: Response,
  status: number,
  title: string,
  body: SafeHtml,
  refreshTo?: string,
): void {
  res
    .status(status)
    .type('html')
    .send(renderPage({ title, body, ...(refreshTo === undefined ? {} : { refreshTo }) }));
}

/** "You have been signed out", for why. */
export function sendSignedOut(
  res: Response,
  status: number,
  settings: ConsoleSettings,
  reason: SignedOutReason,
  returnTo?: string,
): void {
  const limits = {
    idleMinutes: settings.idleTimeoutMs / 60_000,
    lifetimeHours: settings.lifetimeMs / 3_600_000,
  };
  sendPlainPage(res, status, 'You have been signed out', signedOutBody(reason, limits, returnTo));
}

/** GET /sign-in, GET /callback and GET /signed-out. */
export function signInRoutes(deps: SignInDeps): Router {
  const { sessions, cookies, settings } = deps;
  const router = Router();
  const redirectUri = (req: Request) => `${deps.originOf(req)}${CONSOLE_BASE}/callback`;

  router.get('/sign-in', async (req, res) => {
    const started = await deps.signIn.start(redirectUri(req));
    if (!started.ok) {
      deps.logger.warn({ reason: started.error.reason }, 'the sign-in provider cannot be reached');
      return sendPlainPage(res, 502, 'Sign-in failed', signInFailedBody('unreachable'));
    }
    const id = await sessions.beginSignIn({
      ...started.value.checks,
      returnTo: safeReturn(req.query.return),
    });
    setCookie(res, cookies.signIn, id, 'lax', 10 * 60_000);
    res.redirect(303, started.value.url.href);
  });

  router.get('/callback', async (req, res) => {
    const pending = await sessions.takeSignIn(readCookie(req, cookies.signIn));
    clearCookie(res, cookies.signIn);
    const failed = async (reason: string, kind: 'unreachable' | 'refused' | 'expired') => {
      await deps.audit(req, {
        action: 'console.sign-in',
        outcome: 'SIGN_IN_FAILED',
        detail: `reason=${reason}`,
      });
      sendPlainPage(
        res,
        kind === 'unreachable' ? 502 : 400,
        'Sign-in failed',
        signInFailedBody(kind),
      );
    };
    if (pending === undefined) return failed('no-sign-in-in-progress', 'expired');
    const finished = await deps.signIn.finish(
      new URL(req.originalUrl, deps.originOf(req)),
      pending,
    );
    if (!finished.ok) return failed(finished.error.reason, finished.error.kind);
    const operator = operatorFromClaims(finished.value, settings);
    if (!operator.ok) {
      await deps.audit(req, {
        action: 'console.sign-in',
        outcome: operator.error.reason === 'no-role' ? 'NO_ROLE' : 'SIGN_IN_FAILED',
        ...(operator.error.actor === undefined ? {} : { actor: operator.error.actor }),
        detail: `reason=${operator.error.reason}`,
      });
      return sendPlainPage(res, 403, 'You do not have access to this service', noRoleBody());
    }
    // A new id at every sign-in: an id planted before it (fixation) names no session after.
    const previous = readCookie(req, cookies.session);
    if (previous !== undefined) await sessions.end(previous);
    const created = await sessions.create(operator.value);
    setCookie(res, cookies.session, created.id, 'strict');
    await deps.audit(req, {
      action: 'console.sign-in',
      outcome: 'ok',
      actor: operator.value.id,
      detail: `role=${operator.value.role}`,
    });
    // A page, not a redirect: after the provider's cross-site redirect, the browser would not
    // send the new SameSite=Strict cookie on a further redirect, but does on this page's refresh.
    sendPlainPage(res, 200, 'Signing you in', continueBody(pending.returnTo), pending.returnTo);
  });

  router.get('/signed-out', (_req, res) => sendSignedOut(res, 200, settings, 'signed-out'));
  return router;
}
