import express, { type Express, type RequestHandler, type Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { DEMO_HELP_CONTACTS, type HelpContacts } from '../src/shared/help';
import { API_ROUTES, type ApiRoute } from '../src/shared/http-api';
import type {
  HealthProbe,
  NotMeService,
  RegistrationService,
  UnlockService,
  VerificationPolicy,
} from './domain/ports';
import type { RateLimitStoreFactory } from './http/rate-limit-store';
import type { HttpSettings } from './http/settings';
import { errorMiddleware, HttpFailure, namingHelpContacts } from './http/http-failures';
import { createMetrics, metricsMiddleware, type HttpMetrics } from './http/metrics';
import { refuseDeepJson, requireJsonBody } from './http/validate';
import { httpLogger } from './logging';
import { openApiDocument } from './openapi';
import {
  documentationRoutes,
  liveness,
  operatorRoutes,
  publicReadiness,
} from './routes/operations';
import { expressPath } from './routes/mount';
import { attemptRoutes } from './routes/attempt-routes';
import { notMeRoutes } from './routes/not-me-routes';

/** What the HTTP edge needs: the domain's services, a logger and the HTTP settings. */
interface AppDeps {
  readonly services: {
    readonly unlock: UnlockService;
    readonly registration: RegistrationService;
    readonly health: HealthProbe;
    readonly verification: VerificationPolicy;
    /** The unlock notice's "This wasn't me" pages; not served without it (tests' fakes). */
    readonly notMe?: NotMeService;
  };
  readonly logger: Logger;
  readonly http: HttpSettings;
  /** A metrics registry to share (the operator app serves it); a fresh one otherwise. */
  readonly metrics?: HttpMetrics;
  /**
   * Where the per-address limits count: the server passes its database, so every instance on it
   * counts together. Without it each app counts in its own memory (tests with fake services).
   */
  readonly rateLimitStore?: RateLimitStoreFactory;
  /** The desk every error's next step names: the `help` setting; the demo's when not given (tests). */
  readonly help?: HelpContacts;
}

/** A per-address limiter whose refusals are RATE_LIMITED errors like every other failure. */
function limiter(
  windowSeconds: number,
  limit: number,
  store: RateLimitStoreFactory | undefined,
  name: string,
): RequestHandler {
  return rateLimit({
    windowMs: windowSeconds * 1000,
    limit,
    ...(store === undefined ? {} : { store: store(name) }),
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    // The trust-proxy choice is a setting, checked and logged at start; do not second-guess it.
    validate: { trustProxy: false, xForwardedForHeader: false },
    handler: (req, _res, next) => {
      const reset = (req as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const retryAfterSeconds =
        reset === undefined
          ? windowSeconds
          : Math.max(1, Math.ceil((reset.getTime() - Date.now()) / 1000));
      next(new HttpFailure('RATE_LIMITED', 429, { retryAfterSeconds }));
    },
  });
}

/** Answers 405 with an Allow header on a known path with a method it does not take. */
function methodNotAllowed(routes: readonly ApiRoute[]): express.Router {
  const router = express.Router();
  const allowed = new Map<string, string[]>();
  for (const route of routes) {
    const path = expressPath(route.path);
    allowed.set(path, [...(allowed.get(path) ?? []), route.method.toUpperCase()]);
  }
  for (const [path, methods] of allowed) {
    router.all(path, (_req, res) => {
      res.setHeader('Allow', methods.join(', '));
      throw new HttpFailure('NOT_FOUND', 405);
    });
  }
  return router;
}

/**
 * The public Express app, not listening: headers, liveness, logs, metrics, the OpenAPI document and
 * the "This wasn't me" pages, then /v1 (limits, JSON, `/v1/status`, the flows), then 405/404 and
 * the one error middleware. Readiness and metrics are `createOperatorApp`'s.
 */
export function createApp(deps: AppDeps): Express {
  const { services, logger, http } = deps;
  const metrics = deps.metrics ?? createMetrics();
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', http.trustProxy);
  app.set('etag', false);

  app.use(helmet());
  app.use(namingHelpContacts(deps.help ?? DEMO_HELP_CONTACTS));
  app.get('/healthz', liveness);
  app.use(httpLogger(logger));
  app.use(metricsMiddleware(metrics));

  app.use(documentationRoutes(openApiDocument()));

  const { windowSeconds, maxRequests, maxAttemptStarts } = http.rateLimit;
  if (services.notMe !== undefined) {
    app.use(
      notMeRoutes({
        notMe: services.notMe,
        help: deps.help ?? DEMO_HELP_CONTACTS,
        limit: limiter(windowSeconds, maxRequests, deps.rateLimitStore, 'not-me'),
        logger,
      }),
    );
  }

  const routes: readonly ApiRoute[] = Object.values(API_ROUTES);
  const v1 = express.Router();
  v1.use('/v1', limiter(windowSeconds, maxRequests, deps.rateLimitStore, 'requests'));
  v1.post(
    [expressPath(API_ROUTES.unlockStart.path), expressPath(API_ROUTES.registerStart.path)],
    limiter(windowSeconds, maxAttemptStarts, deps.rateLimitStore, 'attempt-starts'),
  );
  v1.use('/v1', requireJsonBody);
  v1.use(
    '/v1',
    express.json({
      limit: http.bodyLimitBytes,
      strict: true,
      type: 'application/json',
      verify: refuseDeepJson,
    }),
  );
  v1.use(publicReadiness(services.health));
  v1.use(attemptRoutes(services, metrics));
  v1.use(methodNotAllowed(routes));
  app.use(v1);

  app.use((_req, _res, next) => next(new HttpFailure('NOT_FOUND', 404)));
  app.use(errorMiddleware(logger));
  return app;
}

/** What the operator listener's app needs. */
interface OperatorAppDeps {
  readonly services: { readonly health: HealthProbe };
  readonly logger: Logger;
  readonly http: Pick<HttpSettings, 'metricsEnabled'>;
  /** The public app's registry, so /metrics reports the public traffic. */
  readonly metrics: HttpMetrics;
  /** The service desk console (server/console/create-console.ts), served under /console. */
  readonly console?: Router;
}

/**
 * Builds the operator listener's app: liveness, readiness and metrics, the service desk console
 * when it is on, then 404. Its requests are not counted (a 503 readiness would skew the public
 * error ratio); readiness changes, console requests and unknown paths are logged.
 */
export function createOperatorApp(deps: OperatorAppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(helmet());
  app.get('/healthz', liveness);
  app.use(
    operatorRoutes({
      health: deps.services.health,
      logger: deps.logger,
      metrics: deps.http.metricsEnabled ? deps.metrics : undefined,
    }),
  );
  app.use(httpLogger(deps.logger));
  if (deps.console !== undefined) app.use('/console', deps.console);
  app.use((_req, _res, next) => next(new HttpFailure('NOT_FOUND', 404)));
  app.use(errorMiddleware(deps.logger));
  return app;
}
