import type { SendOutcome } from '../../../server/mail/mailer';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Store } from 'express-rate-limit';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createApp } from '../../../server/app';
import { createMetrics } from '../../../server/http/metrics';
import { httpSettingsSchema } from '../../../server/http/settings';
import { createLogger } from '../../../server/logging';
import { ERROR_CODES } from '../../../src/shared/errors';
import { API_ROUTES } from '../../../src/shared/http-api';
import { fakeServices } from '../server/routes/fake-services';

const rulesFile = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'deploy',
  'prometheus',
  'smartcard-unlock.rules.yml',
);

interface Rule {
  readonly alert?: unknown;
  readonly expr?: unknown;
  readonly for?: unknown;
  readonly labels?: { readonly severity?: unknown };
  readonly annotations?: { readonly summary?: unknown };
}

const rules: Rule[] = (
  parse(readFileSync(rulesFile, 'utf8')) as { groups: { rules: Rule[] }[] }
).groups.flatMap((g) => g.rules);
const exprs = rules.map((r) => String(r.expr));

/** Metrics that come from Prometheus itself and the blackbox exporter, not from the server. */
const EXTERNAL = new Set(['up', 'probe_success', 'probe_ssl_earliest_cert_expiry']);

/** Every series name the server's registry exposes, histograms with their three suffixes. */
async function exposedNames(): Promise<Set<string>> {
  const names = new Set<string>();
  for (const metric of await createMetrics().registry.getMetricsAsJSON()) {
    names.add(metric.name);
    // prom-client's typings say a numeric enum; at run time the type is its name.
    if (String(metric.type) === 'histogram') {
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(metric.name + suffix);
    }
  }
  return names;
}

/** The metric names an expression selects: an identifier right before `{` or `[`. */
function selectedMetrics(expr: string): string[] {
  return [...expr.matchAll(/([A-Za-z_:][A-Za-z0-9_:]*)\s*(?=[{[])/g)].map((m) => m[1]!);
}

/** The values a label matcher accepts (`name="a"` or `name=~"a|b"`), in every expression. */
function labelValues(label: string, metric?: string): string[] {
  const matcher = new RegExp(`\\b${label}\\s*=~?\\s*"([^"]*)"`, 'g');
  const selectors = exprs.flatMap((e) =>
    metric === undefined
      ? [e]
      : [...e.matchAll(/\b(\w+)\{([^}]*)\}/g)].filter((m) => m[1] === metric).map((m) => m[2]!),
  );
  return selectors.flatMap((e) => [...e.matchAll(matcher)].flatMap((m) => m[1]!.split('|')));
}

describe('the Prometheus alerting rules sample', () => {
  it('when each rule is read, then it has a name, an expression, a duration, a severity and a summary', () => {
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      const name = String(rule.alert);
      expect(rule.alert, name).toMatch(/^Scu[A-Za-z]+$/);
      expect(typeof rule.expr, name).toBe('string');
      expect(rule.for, name).toMatch(/^\d+[smh]$/);
      expect(['critical', 'warning'], name).toContain(rule.labels?.severity);
      expect(typeof rule.annotations?.summary, name).toBe('string');
    }
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
  });

  it('when an expression names a metric, then the server exports it (or Prometheus or the blackbox exporter does)', async () => {
    const exposed = await exposedNames();
    const used = new Set(exprs.flatMap(selectedMetrics));
    for (const name of used) {
      expect(exposed.has(name) || EXTERNAL.has(name), `${name} is not exported`).toBe(true);
    }
    // Any server-style name, even outside a selector, is one the registry has.
    for (const name of exprs.flatMap((e) => e.match(/\b(?:scu|process|nodejs)_\w+/g) ?? [])) {
      expect(exposed.has(name), `${name} is not exported`).toBe(true);
    }
    // Every metric of the server's own is alerted on, so a renamed one cannot drop out unseen.
    for (const own of [...exposed].filter(
      (n) => n.startsWith('scu_') && !/_(sum|count)$/.test(n),
    )) {
      if (own !== 'scu_http_request_duration_seconds') expect(used, own).toContain(own);
    }
  });

  it('when an expression selects a server metric, then it names the documented scrape job', () => {
    for (const expr of exprs) {
      for (const m of expr.matchAll(/\b((?:scu|process|nodejs)_\w+)\{([^}]*)\}/g)) {
        expect(m[2], m[1]).toContain('job="smartcard-unlock"');
      }
    }
  });

  it('when an expression matches outcomes, routes or flows, then each value is one the server records', () => {
    const outcomes = labelValues('outcome', 'scu_flow_steps_total');
    expect(outcomes.length).toBeGreaterThan(0);
    for (const outcome of outcomes) expect(['ok', ...ERROR_CODES], outcome).toContain(outcome);
    const mailOutcomes: readonly SendOutcome[] = ['sent', 'not-sent', 'unknown'];
    for (const outcome of labelValues('outcome', 'scu_mail_sends_total')) {
      expect(mailOutcomes, outcome).toContain(outcome);
    }
    // The route label is a route template, or "unmatched" for a request no route took.
    const templates = [...Object.values(API_ROUTES).map((r) => r.path), '/v1/status'];
    for (const route of labelValues('route')) {
      expect([...templates, '/openapi.json', 'unmatched'], route).toContain(route);
    }
    for (const flow of labelValues('flow')) expect(['unlock', 'registration']).toContain(flow);
    for (const status of labelValues('status')) expect(status).toMatch(/^[1-5](\d\d|\.\.)$/);
  });
});

/** The public app on port 0 with fake services; posts unlock starts and returns the metrics text. */
async function metricsAfterStarts(
  starts: number,
  options: { readonly maxRequests?: number; readonly store?: (limiter: string) => Store },
): Promise<{ statuses: number[]; text: string }> {
  const metrics = createMetrics({ processMetrics: false });
  const app = createApp({
    services: fakeServices(),
    logger: createLogger('silent', new Writable({ write: (_c, _e, done) => done() })),
    http: httpSettingsSchema.parse({
      rateLimit: { maxRequests: options.maxRequests ?? 1000, maxAttemptStarts: 1000 },
    }),
    metrics,
    ...(options.store === undefined ? {} : { rateLimitStore: options.store }),
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/unlock/attempts`;
    const statuses: number[] = [];
    for (let i = 0; i < starts; i++) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ cardId: '0123456789abcdef0123456789abcdef' }),
      });
      await res.arrayBuffer();
      statuses.push(res.status);
    }
    return { statuses, text: await metrics.registry.metrics() };
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('the metric labels the rules rely on', () => {
  it('when the per-address limit refuses a request, then it is a 429 on route "unmatched" and no flow step', async () => {
    const { statuses, text } = await metricsAfterStarts(2, { maxRequests: 1 });
    expect(statuses).toEqual([201, 429]);
    expect(text).toContain(
      'scu_http_requests_total{method="POST",route="unmatched",status="429"} 1',
    );
    expect(text).not.toContain('outcome="RATE_LIMITED"');
  });

  it('when the database is down as the limit counts a request, then it is a 503 on route "unmatched" and no flow step', async () => {
    const down = () =>
      Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    // One store per limiter, each failing as the database would.
    const store = (limiter: string): Store => ({
      localKeys: false,
      prefix: `${limiter}:`,
      increment: down,
      decrement: down,
      resetKey: down,
    });
    const { statuses, text } = await metricsAfterStarts(1, { store });
    expect(statuses).toEqual([503]);
    expect(text).toContain(
      'scu_http_requests_total{method="POST",route="unmatched",status="503"} 1',
    );
    expect(text).not.toContain('outcome="SERVICE_UNAVAILABLE"');
  });
});
