import type { Request, Response, Router } from 'express';
import type { z } from 'zod';
import { attemptIdSchema, type ApiRoute } from '../../src/shared/http-api';
import type { DomainResult, RequestContext } from '../domain/ports';
import {
  HttpFailure,
  requestIdOf,
  sendDomainFailure,
  validationFailure,
} from '../http/http-failures';
import { recordFlowStep, type HttpMetrics } from '../http/metrics';
import { successStatusOf } from '../http/status';
import { parseWith } from '../http/validate';

/** What a route handler receives: the parsed body, the path's attempt id and the audit context. */
export interface RouteInput<Body> {
  readonly body: Body;
  readonly attemptId: string;
  readonly ctx: RequestContext;
}

/** The body type a route's request schema parses to (`undefined` for routes without a body). */
export type BodyOf<R extends ApiRoute> = R extends { readonly request: infer S extends z.ZodType }
  ? z.output<S>
  : undefined;

/** A route's handler: calls one domain service and returns its result. */
type RouteHandler<R extends ApiRoute> = (
  input: RouteInput<BodyOf<R>>,
) => Promise<DomainResult<unknown>>;

/** Express's `:name` form of an OpenAPI `{name}` path. */
export function expressPath(path: string): string {
  return path.replace(/\{([A-Za-z]+)\}/g, ':$1');
}

/** The audit context of a request: the client address (after `trust proxy`) and the request id. */
export function requestContext(req: Request): RequestContext {
  return {
    sourceAddress: req.ip ?? req.socket.remoteAddress ?? 'unknown',
    requestId: requestIdOf(req),
  };
}

/** A bodiless route accepts no body or an empty JSON object, and nothing else. */
function parseEmptyBody(body: unknown): undefined {
  if (body === undefined) return undefined;
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const first = Object.keys(body)[0];
    if (first === undefined) return undefined;
    throw validationFailure(first);
  }
  throw validationFailure('body');
}

/**
 * Mounts one API route: parses the path and body with the shared schemas, calls the handler,
 * checks the response against its schema (a mismatch is a server bug, so a 500), and records
 * the step's outcome.
 */
export function mountRoute<R extends ApiRoute>(
  router: Router,
  route: R,
  step: string,
  flow: 'unlock' | 'registration',
  handler: RouteHandler<R>,
  metrics: HttpMetrics,
): void {
  const path = expressPath(route.path);
  router[route.method](path, async (req: Request, res: Response) => {
    res.locals.routeTemplate = route.path;
    res.on('finish', () => recordFlowStep(metrics, flow, step, res));
    const params = req.params as Record<string, string | undefined>;
    const attemptId =
      params.attemptId === undefined
        ? ''
        : parseWith(attemptIdSchema, params.attemptId, 'attemptId');
    const body = (
      route.request === undefined
        ? parseEmptyBody(req.body)
        : parseWith(route.request, req.body ?? missingBody())
    ) as BodyOf<R>;
    const result = await handler({ body, attemptId, ctx: requestContext(req) });
    if (!result.ok) {
      sendDomainFailure(res, result.error);
      return;
    }
    const status = successStatusOf(route);
    if (route.response === undefined) {
      res.status(status).end();
      return;
    }
    const checked = route.response.safeParse(result.value);
    if (!checked.success) {
      req.log.error({ step, issues: checked.error.issues.length }, 'response failed its schema');
      throw new HttpFailure('INTERNAL', 500);
    }
    res.status(status).json(checked.data);
  });
}

/** A route with a request schema needs a JSON body. */
function missingBody(): never {
  throw validationFailure('body');
}
