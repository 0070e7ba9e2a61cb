import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorResponseSchema, healthResponseSchema } from '../../../../src/shared/http-api';
import { GOOD_SIGNATURE, KNOWN_CARD } from './fake-services';
import { startHarness, type Harness } from './harness';

let h: Harness;
let databaseUp = true;
beforeAll(async () => {
  h = await startHarness({}, { databaseUp: () => databaseUp });
});
afterAll(() => h.close());

describe('the operations routes', () => {
  it('when /healthz is asked on either listener, then it answers 200 ok', async () => {
    for (const res of [
      await h.request('GET', '/healthz'),
      await h.operatorRequest('GET', '/healthz'),
    ]) {
      expect(res.status).toBe(200);
      expect(healthResponseSchema.parse(res.body)).toEqual({ status: 'ok' });
    }
  });

  it('when /readyz or /metrics is asked on the public app, then it is 404: they are on the operator app', async () => {
    for (const path of ['/readyz', '/metrics']) {
      const res = await h.request('GET', path);
      expect([path, res.status]).toEqual([path, 404]);
      expect(res.text).not.toContain('scu_http');
    }
    expect((await h.operatorRequest('GET', '/openapi.json')).status).toBe(404);
    expect(
      (await h.operatorRequest('POST', '/v1/unlock/attempts', { cardId: KNOWN_CARD })).status,
    ).toBe(404);
  });

  it('when the database answers, then /readyz is 200; when it does not, 503 naming the check', async () => {
    databaseUp = true;
    const up = await h.operatorRequest('GET', '/readyz');
    expect(up.status).toBe(200);
    expect(up.body).toEqual({ status: 'ok', checks: { database: 'ok' } });
    databaseUp = false;
    const down = await h.operatorRequest('GET', '/readyz');
    expect(down.status).toBe(503);
    expect(healthResponseSchema.parse(down.body)).toEqual({
      status: 'unavailable',
      checks: { database: 'failed' },
    });
    databaseUp = true;
  });

  it('when the database answers, then the public /v1/status is 200; when it does not, the 503 SERVICE_UNAVAILABLE holders get', async () => {
    databaseUp = true;
    const up = await h.request('GET', '/v1/status');
    expect([up.status, healthResponseSchema.parse(up.body)]).toEqual([200, { status: 'ok' }]);
    databaseUp = false;
    const down = await h.request('GET', '/v1/status');
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('30');
    expect(errorResponseSchema.parse(down.body).error.code).toBe('SERVICE_UNAVAILABLE');
    databaseUp = true;
    const post = await h.request('POST', '/v1/status', {});
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET']);
  });

  it('when requests and flow steps happen, then /metrics counts them by route template and outcome', async () => {
    const start = await h.request('POST', '/v1/unlock/attempts', { cardId: KNOWN_CARD });
    const { attemptId } = start.body as { attemptId: string };
    await h.request('POST', `/v1/unlock/attempts/${attemptId}/card-proof`, {
      signature: GOOD_SIGNATURE,
    });
    const other = await h.request('POST', '/v1/unlock/attempts', { cardId: 'f0'.repeat(16) });
    await h.request(
      'POST',
      `/v1/unlock/attempts/${(other.body as { attemptId: string }).attemptId}/card-proof`,
      { signature: GOOD_SIGNATURE },
    );
    const res = await h.operatorRequest('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(res.text).toMatch(
      /scu_http_requests_total\{method="POST",route="\/v1\/unlock\/attempts",status="201"\} 2/,
    );
    expect(res.text).toContain(
      'scu_http_requests_total{method="POST",route="/v1/unlock/attempts/{attemptId}/card-proof",status="200"} 1',
    );
    expect(res.text).toContain('scu_flow_steps_total{flow="unlock",step="start",outcome="ok"} 2');
    expect(res.text).toContain(
      'scu_flow_steps_total{flow="unlock",step="card-proof",outcome="PROOF_INVALID"} 1',
    );
    expect(res.text).toContain('scu_http_request_duration_seconds_bucket');
    expect(res.text).not.toContain(attemptId);
    // The operator app's own requests (probes, scrapes) are not counted with the public traffic.
    expect(res.text).not.toContain('route="/readyz"');
  });

  it('when metrics are turned off, then /metrics is 404', async () => {
    const off = await startHarness({ metricsEnabled: false });
    try {
      expect((await off.operatorRequest('GET', '/metrics')).status).toBe(404);
      expect((await off.operatorRequest('GET', '/readyz')).status).toBe(200);
    } finally {
      await off.close();
    }
  });

  it('when /openapi.json is asked, then it serves the OpenAPI 3.1 document with every /v1 route', async () => {
    const res = await h.request('GET', '/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/v1/unlock/attempts/{attemptId}/code');
  });
});
