import { type RequestHandler, Router } from 'express';
import type { HealthProbe } from '../domain/ports';
import type { HttpMetrics } from '../http/metrics';

/** What the operator listener's routes read. */
export interface OperatorRoutesDeps {
  readonly health: HealthProbe;
  /** Absent when metrics are turned off in the settings. */
  readonly metrics: HttpMetrics | undefined;
}

/**
 * Liveness (`GET /healthz`): the process answers. It touches nothing else, so the app mounts it
 * ahead of request logging and metrics: balancers ask every few seconds, and a log line and a
 * histogram sample per probe would only be noise and cost.
 */
export const liveness: RequestHandler = (_req, res) => {
  res.json({ status: 'ok' });
};

/**
 * Readiness and metrics, for the operator listener only: the public listener does not serve them,
 * so neither the database probe nor the traffic figures are open to the internet.
 */
export function operatorRoutes(deps: OperatorRoutesDeps): Router {
  const router = Router();
  router.get('/readyz', async (req, res) => {
    res.locals.routeTemplate = '/readyz';
    const database = await deps.health.checkDatabase().catch((error: unknown) => {
      req.log.warn({ err: error }, 'database check failed');
      return false;
    });
    res.status(database ? 200 : 503).json({
      status: database ? 'ok' : 'unavailable',
      checks: { database: database ? 'ok' : 'failed' },
    });
  });
  const { metrics } = deps;
  if (metrics !== undefined) {
    router.get('/metrics', async (_req, res) => {
      res.locals.routeTemplate = '/metrics';
      res.setHeader('Content-Type', metrics.registry.contentType);
      res.send(await metrics.registry.metrics());
    });
  }
  return router;
}

/** The OpenAPI document, on the public listener: outside /v1 and its rate limits. */
export function documentationRoutes(openApi: Readonly<Record<string, unknown>>): Router {
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.locals.routeTemplate = '/openapi.json';
    res.json(openApi);
  });
  return router;
}
