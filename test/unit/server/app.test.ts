import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES, errorResponseSchema } from '../../../src/shared/http-api';
import { JSON_LIMITS } from '../../../src/shared/json-limits';
import {
  GOOD_SIGNATURE,
  KNOWN_CARD,
  MALFORMED_ATTEMPT,
  NEXT_PUK,
  PUK,
  RIGHT_ANSWER,
  RIGHT_CODE,
  THROWING_ATTEMPT,
} from './routes/fake-services';
import { startHarness, type Harness } from './routes/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

function codeOf(body: unknown): string {
  return errorResponseSchema.parse(body).error.code;
}

async function newAttempt(): Promise<string> {
  const res = await h.request('POST', '/v1/unlock/attempts', { cardId: KNOWN_CARD });
  return (res.body as { attemptId: string }).attemptId;
}

const huge = 'x'.repeat(20_000);

/** `levels` nested arrays around a string: `[[["x"]]]`. */
const deep = (levels: number): string => `${'['.repeat(levels)}"x"${']'.repeat(levels)}`;

describe('the HTTP edge', () => {
  it.each<[string, string | object, number, string | undefined]>([
    ['malformed JSON', '{"cardId": ', 400, 'body'],
    ['a JSON string instead of an object', '"hello"', 400, 'body'],
    ['a JSON array', '[]', 400, 'body'],
    ['null', 'null', 400, 'body'],
    ['an empty object', {}, 400, 'cardId'],
    ['a number for the card id', { cardId: 12 }, 400, 'cardId'],
    ['an unknown field', { cardId: KNOWN_CARD, admin: true }, 400, 'admin'],
    ['SQL in the card id', { cardId: "' OR 1=1; DROP TABLE cards; --" }, 400, 'cardId'],
    ['script text in the card id', { cardId: '<script>alert(1)</script>' }, 400, 'cardId'],
    [
      'a prototype-polluting key',
      '{"cardId":"' + KNOWN_CARD + '","__proto__":{"x":1}}',
      400,
      '__proto__',
    ],
    ['a lone surrogate', '{"cardId":"\\ud800' + 'a'.repeat(31) + '"}', 400, 'cardId'],
    ['a body over the size limit', { cardId: huge }, 413, 'body'],
    ['nested one level past the cap', `{"cardId":${deep(JSON_LIMITS.maxDepth)}}`, 400, 'body'],
    ['nested 7,000 deep within the size limit', `{"cardId":${deep(7000)}}`, 400, 'body'],
    [
      'an array one item past the cap',
      `{"cardId":[${Array.from({ length: JSON_LIMITS.maxItems + 1 }, () => '0').join(',')}]}`,
      400,
      'body',
    ],
  ])(
    'when the start body is %s, then it answers a 4xx VALIDATION_FAILED naming the field',
    async (_what, body, status, field) => {
      const res = await h.request('POST', '/v1/unlock/attempts', body);
      expect(res.status).toBe(status);
      const error = errorResponseSchema.parse(res.body).error;
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.details?.field).toBe(field);
    },
  );

  it.each<[string, unknown, string]>([
    [
      'a huge answer',
      { answers: [{ questionId: 'q', answer: 'a'.repeat(201) }] },
      'answers.0.answer',
    ],
    [
      'too many answers',
      { answers: Array.from({ length: 6 }, () => ({ questionId: 'q', answer: 'a' })) },
      'answers',
    ],
    [
      'an answer with a lone surrogate',
      '{"answers":[{"questionId":"q","answer":"\\udc00"}]}',
      'answers.0.answer',
    ],
    [
      'an answer that is a number',
      { answers: [{ questionId: 'q', answer: 7 }] },
      'answers.0.answer',
    ],
    [
      'an unknown field in an answer',
      { answers: [{ questionId: 'q', answer: 'a', hint: 'x' }] },
      'answers.0.hint',
    ],
  ])(
    'when the answers body has %s, then it answers 400 naming the field',
    async (_what, body, field) => {
      const attemptId = await newAttempt();
      const res = await h.request('POST', `/v1/unlock/attempts/${attemptId}/answers`, body);
      expect(res.status).toBe(400);
      expect(errorResponseSchema.parse(res.body).error.details).toEqual({ field });
    },
  );

  it('when a body nests exactly to the cap, then the nesting is not what refuses it', async () => {
    const res = await h.request('POST', '/v1/unlock/attempts', {
      cardId: KNOWN_CARD,
      nested: JSON.parse(deep(JSON_LIMITS.maxDepth - 1)) as unknown,
    });
    expect([res.status, errorResponseSchema.parse(res.body).error.details]).toEqual([
      400,
      { field: 'nested' },
    ]);
  });

  it('when every /v1 route gets a body nested 7,000 deep, then each answers 400 naming the body and nothing is logged as unhandled', async () => {
    const attemptId = await newAttempt();
    const body = `{"answers":${deep(7000)}}`;
    for (const route of Object.values(API_ROUTES).filter((r) => r.method !== 'get')) {
      const path = route.path.replace('{attemptId}', attemptId);
      const res = await h.request(route.method.toUpperCase(), path, body);
      expect([path, res.status], route.method).toEqual([path, 400]);
      expect(errorResponseSchema.parse(res.body).error).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: { field: 'body' },
      });
    }
    expect(h.logs.join('\n')).not.toContain('unhandled error');
  });

  it('when a body is not JSON, then it answers 415 VALIDATION_FAILED naming content-type', async () => {
    const res = await h.request('POST', '/v1/unlock/attempts', `cardId=${KNOWN_CARD}`, {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(res.status).toBe(415);
    expect(errorResponseSchema.parse(res.body).error.details).toEqual({ field: 'content-type' });
  });

  it.each(['latin1', 'utf-16le', 'UTF-16', '"utf-32"'])(
    'when a JSON body declares charset %s (not UTF-8), then it answers 415 before anything reads it',
    async (charset) => {
      const res = await h.request(
        'POST',
        '/v1/unlock/attempts',
        { cardId: KNOWN_CARD },
        { 'content-type': `application/json; charset=${charset}` },
      );
      expect([res.status, errorResponseSchema.parse(res.body).error.details]).toEqual([
        415,
        { field: 'content-type' },
      ]);
    },
  );

  it('when a UTF-16 body hides deep nesting behind a character whose bytes hold a quote, then it is refused, not parsed', async () => {
    // U+2200 is 00 22 in UTF-16LE: a byte scan would see a quote there.
    const text = `{"a":"\u2200","b":${'['.repeat(7000)}${']'.repeat(7000)}}`;
    const res = await h.request('POST', '/v1/unlock/attempts', Buffer.from(text, 'utf16le'), {
      'content-type': 'application/json; charset=utf-16le',
    });
    expect(res.status).toBe(415);
  });

  it('when a JSON body says charset=utf-8, then it is read as usual', async () => {
    const res = await h.request(
      'POST',
      '/v1/unlock/attempts',
      { cardId: KNOWN_CARD },
      { 'content-type': 'application/json; charset=UTF-8' },
    );
    expect(res.status).toBe(201);
  });

  it('when a route needing a body gets none, then it answers 400 naming the body', async () => {
    const res = await h.request('POST', '/v1/unlock/attempts');
    expect(res.status).toBe(400);
    expect(errorResponseSchema.parse(res.body).error.details).toEqual({ field: 'body' });
  });

  it('when the path is unknown, then it answers 404 NOT_FOUND in the error shape', async () => {
    for (const path of ['/v1/nope', '/', '/v2/unlock/attempts']) {
      const res = await h.request('GET', path);
      expect(res.status).toBe(404);
      expect(codeOf(res.body)).toBe('NOT_FOUND');
    }
  });

  it('when a known path gets a method it does not take, then it answers 405 with Allow', async () => {
    const res = await h.request('GET', '/v1/unlock/attempts');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(codeOf(res.body)).toBe('NOT_FOUND');
    const put = await h.request('PUT', `/v1/unlock/attempts/${'a'.repeat(20)}`, {});
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('DELETE');
  });

  it('when the domain throws, then it answers 500 INTERNAL without the error text and logs it', async () => {
    const res = await h.request('DELETE', `/v1/unlock/attempts/${THROWING_ATTEMPT}`);
    expect(res.status).toBe(500);
    expect(codeOf(res.body)).toBe('INTERNAL');
    expect(res.text).not.toContain('exploded');
    expect(h.logs.some((l) => l.includes('database exploded'))).toBe(true);
  });

  it('when the domain returns a body that breaks the response schema, then it answers 500', async () => {
    const res = await h.request('POST', `/v1/unlock/attempts/${MALFORMED_ATTEMPT}/answers`, {
      answers: [{ questionId: 'q', answer: 'a' }],
    });
    expect(res.status).toBe(500);
    expect(codeOf(res.body)).toBe('INTERNAL');
  });

  it('when a caller sends X-Request-Id, then it is echoed; otherwise a UUID is made', async () => {
    const given = await h.request('GET', '/openapi.json', undefined, { 'x-request-id': 'abc-123' });
    expect(given.headers.get('x-request-id')).toBe('abc-123');
    const hostile = await h.request('GET', '/openapi.json', undefined, { 'x-request-id': 'a b c' });
    expect(hostile.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const none = await h.request('GET', '/openapi.json');
    expect(none.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('when a balancer probes /healthz, then it gets the security headers but no log line or request metric', async () => {
    const before = h.logs.length;
    const res = await h.request('GET', '/healthz');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(h.logs.slice(before).filter((l) => l.includes('/healthz'))).toEqual([]);
    const metrics = await h.operatorRequest('GET', '/metrics');
    expect(metrics.text).not.toContain('route="/healthz"');
  });

  it('when any response is sent, then helmet security headers are on and Express is not named', async () => {
    const res = await h.request('GET', '/healthz');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('strict-transport-security')).toContain('max-age=');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('when a whole unlock runs, then the logs hold request ids but no answer, code, PUK or signature', async () => {
    const before = h.logs.length;
    const attemptId = await newAttempt();
    const base = `/v1/unlock/attempts/${attemptId}`;
    await h.request('POST', `${base}/card-proof`, { signature: GOOD_SIGNATURE });
    await h.request('POST', `${base}/answers`, {
      answers: [{ questionId: 'q', answer: 'wrong guess' }],
    });
    await h.request('POST', `${base}/answers`, {
      answers: [{ questionId: 'q', answer: RIGHT_ANSWER }],
    });
    await h.request('POST', `${base}/code`, { code: 'QQQQ7777' });
    await h.request('POST', `${base}/code`, { code: RIGHT_CODE });
    const auth = await h.request('POST', `${base}/unblock`);
    expect(auth.body).toMatchObject({ puk: PUK });
    await h.request('POST', `${base}/outcome`, { outcome: 'unlocked', pukOnCard: 'next' });
    const lines = h.logs.slice(before);
    expect(lines.length).toBeGreaterThanOrEqual(7);
    const text = lines.join('\n');
    for (const secret of [
      RIGHT_ANSWER,
      'wrong guess',
      RIGHT_CODE,
      'QQQQ7777',
      PUK,
      NEXT_PUK,
      GOOD_SIGNATURE,
    ]) {
      expect(text).not.toContain(secret);
    }
    const parsed = lines.map((l) => JSON.parse(l) as { req?: { id?: string }; errorCode?: string });
    expect(parsed.every((l) => typeof l.req?.id === 'string')).toBe(true);
    expect(parsed.map((l) => l.errorCode)).toContain('ANSWERS_WRONG');
  });
});

describe('the per-address rate limits', () => {
  let limited: Harness;
  beforeAll(async () => {
    limited = await startHarness({
      rateLimit: { windowSeconds: 60, maxRequests: 5, maxAttemptStarts: 2 },
    });
  });
  afterAll(() => limited.close());

  it('when an address starts more attempts than allowed, then it answers 429 RATE_LIMITED with Retry-After', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      statuses.push(
        (await limited.request('POST', '/v1/unlock/attempts', { cardId: KNOWN_CARD })).status,
      );
    }
    expect(statuses).toEqual([201, 201, 429]);
    const res = await limited.request('POST', '/v1/registration/attempts', { cardId: KNOWN_CARD });
    expect(res.status).toBe(429);
    expect(codeOf(res.body)).toBe('RATE_LIMITED');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('when an address exceeds the general limit, then /v1 refuses it but health checks still answer', async () => {
    for (let i = 0; i < 3; i++)
      await limited.request('DELETE', `/v1/unlock/attempts/${'z'.repeat(20)}`);
    const res = await limited.request('DELETE', `/v1/unlock/attempts/${'z'.repeat(20)}`);
    expect(res.status).toBe(429);
    expect((await limited.request('GET', '/healthz')).status).toBe(200);
  });
});

describe('trust proxy', () => {
  it('when trust proxy is on, then the source address comes from X-Forwarded-For', async () => {
    const proxied = await startHarness({ trustProxy: 'loopback' });
    try {
      await proxied.request(
        'POST',
        '/v1/unlock/attempts',
        { cardId: KNOWN_CARD },
        {
          'x-forwarded-for': '10.1.2.3',
        },
      );
      expect(proxied.services.calls.contexts.at(-1)?.sourceAddress).toBe('10.1.2.3');
      // The request log names the client too, not the balancer in front of it.
      const line = proxied.logs.find((l) => l.includes('"url":"/v1/unlock/attempts"'));
      expect(line).toContain('"remoteAddress":"10.1.2.3"');
    } finally {
      await proxied.close();
    }
  });

  it('when trust proxy names the balancer, then each client behind it has its own rate-limit budget', async () => {
    const proxied = await startHarness({
      trustProxy: '127.0.0.1',
      rateLimit: { windowSeconds: 60, maxRequests: 100, maxAttemptStarts: 1 },
    });
    try {
      const startFrom = async (client: string) =>
        (
          await proxied.request(
            'POST',
            '/v1/unlock/attempts',
            { cardId: KNOWN_CARD },
            { 'x-forwarded-for': client },
          )
        ).status;
      expect(await startFrom('10.1.2.3')).toBe(201);
      expect(await startFrom('10.1.2.3')).toBe(429);
      expect(await startFrom('10.9.9.9')).toBe(201);
    } finally {
      await proxied.close();
    }
  });

  it('when trust proxy is off, then X-Forwarded-For is ignored', async () => {
    await h.request(
      'POST',
      '/v1/unlock/attempts',
      { cardId: KNOWN_CARD },
      {
        'x-forwarded-for': '10.1.2.3',
      },
    );
    expect(h.services.calls.contexts.at(-1)?.sourceAddress).toBe('127.0.0.1');
  });
});
