import type { Request, RequestHandler } from 'express';
import { ConsoleRefusal, signedIn } from './console-page';
import { csrfTokenMatches } from './console-sessions';
import { CSRF_FIELD } from './page-shell';

/**
 * The console's CSRF defence on every request that can change something (any method but GET and
 * HEAD): the browser's own word on where the request came from (Sec-Fetch-Site and Origin) must
 * be this console, and the form must carry the session's synchronizer token.
 */

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/** Why a request was refused, for the audit row; undefined when it may go on. */
export function csrfRefusal(
  req: Pick<Request, 'method' | 'headers' | 'body'>,
  expectedOrigin: string,
  csrfToken: string,
): string | undefined {
  if (SAFE_METHODS.has(req.method)) return undefined;
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return `sec-fetch-site=${String(site)}`;
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== expectedOrigin) return 'origin';
  const body: unknown = req.body;
  const given =
    typeof body === 'object' && body !== null
      ? (body as Record<string, unknown>)[CSRF_FIELD]
      : undefined;
  return csrfTokenMatches(csrfToken, given) ? undefined : 'token';
}

/** The check as middleware, after the session and the body parser; `originOf` names this console. */
export function csrfCheck(originOf: (req: Request) => string): RequestHandler {
  return (req, res, next) => {
    const why = csrfRefusal(req, originOf(req), signedIn(res).csrfToken);
    if (why === undefined) return next();
    next(new ConsoleRefusal('csrf', why));
  };
}
