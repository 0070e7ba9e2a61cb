import { type RequestHandler, Router } from 'express';
import type { HealthProbe } from '../domain/ports';
import { HttpFailure } from '../http/http-failures';
import type { HttpMetrics } from '../http/metrics';
import type { Logger } from 'pino';

/** What the operator listener's routes read. */
interface OperatorRoutesDeps {
  readonly health: HealthProbe;
  /** Told when readiness changes, with the database's error. */
  readonly logger: Pick<Logger, 'info' | 'warn'>;
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
 * Public readiness (`GET /v1/status`), for the workstation's diagnostics: 200 while the database
 * answers, else the 503 SERVICE_UNAVAILABLE (with Retry-After) holders get from every /v1 step then.
 * It is mounted behind /v1's per-address limits, so it costs no more than any other /v1 request.
 */
export function publicReadiness(health: HealthProbe): Router {
  const router = Router();
  router
    .route('/v1/status')
    .get(async (req, res) => {
      res.locals.routeTemplate = '/v1/status';
      const database = await health.checkDatabase();
      if (!database.ok) {
        req.log.warn({ database: database.reason }, 'database check failed');
        throw new HttpFailure('SERVICE_UNAVAILABLE');
      }
      res.json({ status: 'ok' });
    })
    .all((_req, res) => {
      res.setHeader('Allow', 'GET');
      throw new HttpFailure('NOT_FOUND', 405);
    });
  return router;
}

/**
 * Readiness and metrics, for the operator listener only: the public listener does not serve them,
 * so neither the database probe nor the traffic figures are open to the internet. Mounted ahead of
 * request logging: probes and scrapes come every few seconds, so only readiness changes are logged.
 */
export function operatorRoutes(deps: OperatorRoutesDeps): Router {
  const router = Router();
  let wasReady: boolean | undefined;
  router.get('/readyz', async (_req, res) => {
    const database = await deps.health.checkDatabase();
    if (!database.ok && wasReady !== false) {
      deps.logger.warn({ database: database.reason }, 'not ready: the database check failed');
    } else if (database.ok && wasReady === false) {
      deps.logger.info('ready again: the database answers');
    }
    wasReady = database.ok;
    res.status(database.ok ? 200 : 503).json({
      status: database.ok ? 'ok' : 'unavailable',
      checks: { database: database.ok ? 'ok' : 'failed' },
    });
  });
  const { metrics } = deps;
  if (metrics !== undefined) {
    router.get('/metrics', async (_req, res) => {
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
