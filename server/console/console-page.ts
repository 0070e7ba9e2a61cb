import type { RequestHandler, Response } from 'express';
import type { SafeHtml } from './html';
import { renderPage, roleAllows, type PageInput } from './page-shell';

/**
 * What a console page's router gets, and the way it answers. A page router is an Express router
 * whose paths are relative to /console; `createConsoleRouter` mounts it behind sign-in and the
 * CSRF check. See docs/architecture.md, "The service desk console".
 */

/** The two roles: service desk operators, and RA managers (who may also do desk work). */
export type OperatorRole = 'desk' | 'ra';

/** The signed-in operator: `id` is the audit trail's actor (`console:<username>`). */
export interface Operator {
  readonly id: string;
  readonly name: string;
  readonly role: OperatorRole;
}

/** What the session middleware leaves in `res.locals` of every signed-in request. */
interface SignedIn {
  readonly operator: Operator;
  /** The session's CSRF token: every form puts it in `csrfField(csrfToken)`. */
  readonly csrfToken: string;
}

/** Why the console refused a request; its error handler renders the page and writes the audit row. */
export class ConsoleRefusal {
  constructor(
    readonly reason: 'forbidden' | 'csrf' | 'not-found',
    /** For the audit row's detail, e.g. the role that was needed. */
    readonly detail?: string,
  ) {}
}

/** The signed-in operator and CSRF token (pages run only behind the session middleware). */
export function signedIn(res: Response): SignedIn {
  const locals = res.locals as { operator?: Operator; csrfToken?: string };
  if (locals.operator === undefined || locals.csrfToken === undefined) {
    throw new Error('a console page ran without a session: mount it through createConsoleRouter');
  }
  return { operator: locals.operator, csrfToken: locals.csrfToken };
}

/**
 * Lets the request on only for an operator whose role allows `role` (an RA manager may do desk
 * work); others get the 403 page "You do not have access to this page", audited.
 */
export function requireRole(role: OperatorRole): RequestHandler {
  return (_req, res, next) => {
    const { operator } = signedIn(res);
    if (roleAllows(operator.role, role)) return next();
    next(new ConsoleRefusal('forbidden', `needs=${role}`));
  };
}

/** Sends a whole page in the console's shell, with the operator's header and navigation. */
export function sendPage(
  res: Response,
  page: Omit<PageInput, 'operator' | 'path' | 'body'> & {
    readonly body: SafeHtml;
    readonly status?: number;
  },
): void {
  const { operator, csrfToken } = signedIn(res);
  const { status, ...rest } = page;
  res
    .status(status ?? 200)
    .type('html')
    .send(
      renderPage({
        ...rest,
        operator: { name: operator.name, role: operator.role, csrfToken },
        path: res.req.baseUrl + res.req.path,
      }),
    );
}
