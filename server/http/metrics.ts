import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { DomainEvents } from '../domain/ports';
import { errorCodeOf } from './http-failures';

/** The server's Prometheus metrics, in a registry of its own so several apps can share a process. */
export interface HttpMetrics {
  readonly registry: Registry;
  readonly requests: Counter<'method' | 'route' | 'status'>;
  readonly duration: Histogram<'method' | 'route' | 'status'>;
  /** Each flow step's outcome: `ok` or the error code. */
  readonly flowSteps: Counter<'flow' | 'step' | 'outcome'>;
  /** Requests naming an attempt the server does not know, by the step's audit action. */
  readonly unknownAttempts: Counter<'action'>;
  /** Holder messages by purpose, outcome and channel (`email` or `sms`: the name predates texts). */
  readonly mailSends: Counter<'purpose' | 'outcome' | 'channel'>;
  /** "This wasn't me" reports: `frozen`, `already-reported`, `expired`, `invalid`. */
  readonly notMeReports: Counter<'outcome'>;
  /** The desk's approvals of assisted unlocks: `approved`, or the refusal's code. */
  readonly assistedApprovals: Counter<'outcome'>;
}

/** Creates the registry and the metrics; process metrics are included unless turned off. */
export function createMetrics(options: { readonly processMetrics?: boolean } = {}): HttpMetrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  return {
    registry,
    requests: new Counter({
      name: 'scu_http_requests_total',
      help: 'HTTP requests by method, route template and status.',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'scu_http_request_duration_seconds',
      help: 'HTTP request duration by method, route template and status.',
      labelNames: ['method', 'route', 'status'],
      // argon2id checks dominate: most answers take tens to hundreds of milliseconds.
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    flowSteps: new Counter({
      name: 'scu_flow_steps_total',
      help: 'Unlock and registration steps by flow, step and outcome (ok or the error code).',
      labelNames: ['flow', 'step', 'outcome'],
      registers: [registry],
    }),
    mailSends: new Counter({
      name: 'scu_mail_sends_total',
      help: 'Holder messages (emails and text messages) by purpose, channel and outcome: sent, not-sent, or unknown (the relay or Notify had it but did not confirm in time).',
      labelNames: ['purpose', 'outcome', 'channel'],
      registers: [registry],
    }),
    notMeReports: new Counter({
      name: 'scu_not_me_reports_total',
      help: 'Uses of the unlock notice\'s "This wasn\'t me" link by outcome: frozen (self-service frozen for the card), already-reported, expired, invalid.',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    assistedApprovals: new Counter({
      name: 'scu_assisted_approvals_total',
      help: "The service desk's approvals of assisted unlocks by outcome: approved, or why not (REFERENCE_UNKNOWN, REFERENCE_EXPIRED, REFERENCE_USED, ATTEMPT_ENDED...).",
      labelNames: ['outcome'],
      registers: [registry],
    }),
    unknownAttempts: new Counter({
      name: 'scu_unknown_attempt_requests_total',
      help: 'Requests naming an unknown attempt, by step action (each counted; audited at most once a minute per address).',
      labelNames: ['action'],
      registers: [registry],
    }),
  };
}

/** The domain's counters on these metrics: pass to createServices as `events`. */
export function domainEventsOf(metrics: HttpMetrics): DomainEvents {
  return {
    unknownAttempt: (action) => metrics.unknownAttempts.inc({ action }),
    mailSent: (purpose, outcome, channel) => metrics.mailSends.inc({ purpose, outcome, channel }),
    notMeReported: (outcome) => metrics.notMeReports.inc({ outcome }),
    assistedApproval: (outcome) => metrics.assistedApprovals.inc({ outcome }),
  };
}

/** The route label: the matched template (never the raw URL, which carries attempt ids). */
function routeLabel(locals: Record<string, unknown>): string {
  return typeof locals.routeTemplate === 'string' ? locals.routeTemplate : 'unmatched';
}

/** Counts and times every request once its response is finished. */
export function metricsMiddleware(metrics: HttpMetrics): RequestHandler {
  return (req, res, next) => {
    const stop = metrics.duration.startTimer();
    res.on('finish', () => {
      const labels = {
        method: req.method,
        route: routeLabel(res.locals),
        status: String(res.statusCode),
      };
      stop(labels);
      metrics.requests.inc(labels);
    });
    next();
  };
}

/** Records a flow step's outcome from the response written for it. */
export function recordFlowStep(
  metrics: HttpMetrics,
  flow: 'unlock' | 'registration',
  step: string,
  res: Parameters<RequestHandler>[1],
): void {
  metrics.flowSteps.inc({ flow, step, outcome: errorCodeOf(res) ?? 'ok' });
}
