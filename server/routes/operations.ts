import { type RequestHandler, Router } from 'express';
import type { HealthProbe } from '../domain/ports';
import type { HttpMetrics } from '../http/metrics';

/** What the operations routes read. */
export interface OperationsDeps {
  readonly health: HealthProbe;
  /** Absent when metrics are turned off in the settings. */
  readonly metrics: HttpMetrics | undefined;
  readonly openApi: Readonly<Record<string, unknown>>;
}

/**
 * Liveness (`GET /healthz`): the process answers. It touches nothing else, so the app mounts it
 * ahead of request logging and metrics: balancers ask every few seconds, and a log line and a
 * histogram sample per probe would only be noise and cost.
 */
export const liveness: RequestHandler = (_req, res) => {
  res.json({ status: 'ok' });
};

/** Readiness, metrics and the OpenAPI document: outside /v1 and its rate limits. */
export function operationsRoutes(deps: OperationsDeps): Router {
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
  router.get('/openapi.json', (_req, res) => {
    res.locals.routeTemplate = '/openapi.json';
    res.json(deps.openApi);
  });
  return router;
}
