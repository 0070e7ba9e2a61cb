import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryLogger } from '../../../../src/main/logging/logger';
import { proxyInEnvironment } from '../../../../src/main/server-client/direct-transport';
import {
  createServerClient,
  type ServerClientOptions,
} from '../../../../src/main/server-client/server-client';
import { appError } from '../../../../src/shared/errors';
import { json, startTestServer, type Reply } from '../../../support/http-server';

const attemptId = 'attempt_0123456789abcdef';
const cardId = '0123456789abcdef0123456789abcdef';
const startResponse = {
  attemptId,
  nonce: 'bm9uY2Vub25jZW5vbmNlbm9uY2U',
  nonceExpiresAt: '2026-11-28T12:00:00.000Z',
  expiresAt: '2026-11-28T12:15:00.000Z',
};

const closers: (() => Promise<void>)[] = [];
// A proxy in the machine's environment would send these requests through axios's own adapter.
beforeEach(() => {
  for (const name of ['http_proxy', 'https_proxy', 'all_proxy']) {
    vi.stubEnv(name, '');
    vi.stubEnv(name.toUpperCase(), '');
  }
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function serve(reply: Reply, tls?: { key: string; cert: string }, host?: string) {
  const server = await startTestServer(reply, tls, host);
  closers.push(server.close);
  return server;
}

function client(baseUrl: string, extra: Partial<ServerClientOptions> = {}) {
  const memory = createMemoryLogger();
  return {
    ...memory,
    client: createServerClient({
      baseUrl,
      timeoutMs: 2000,
      logger: memory.logger,
      retryDelayMs: () => 0,
      ...extra,
    }),
  };
}

describe('server client: successful calls', () => {
  it('when the server answers, then the response is parsed and the request followed the route', async () => {
    const server = await serve((_req, res) => json(res, 201, startResponse));
    const result = await client(server.url).client.unlockStart(cardId);
    expect(result).toEqual({ ok: true, value: startResponse });
    expect(server.seen).toEqual([{ method: 'POST', url: '/v1/unlock/attempts', body: { cardId } }]);
  });

  it('sends a card proof as base64 to the attempt path', async () => {
    const proof = {
      holderName: 'Mr John Rigby',
      verification: 'code-only',
      steps: ['channel', 'code'],
      contacts: [{ channel: 'sms', maskedAddress: '07*** ***321' }],
      questions: [],
      answerTriesLeft: 3,
    };
    const server = await serve((_req, res) => json(res, 200, proof));
    const result = await client(server.url).client.unlockProof(attemptId, Uint8Array.of(1, 2, 3));
    expect(result).toEqual({ ok: true, value: proof });
    expect(server.seen[0]).toEqual({
      method: 'POST',
      url: `/v1/unlock/attempts/${attemptId}/card-proof`,
      body: { signature: 'AQID' },
    });
  });

  it('asks how the server checks holders with a GET, and repeats it when the server is down', async () => {
    const service = { verification: 'code-only', channels: ['sms', 'email'] };
    const server = await serve((_req, res) =>
      server.seen.length < 2 ? json(res, 503, {}) : json(res, 200, service),
    );
    expect(await client(server.url).client.unlockService()).toEqual({ ok: true, value: service });
    expect(server.seen.at(-1)).toEqual({
      method: 'GET',
      url: '/v1/unlock/service',
      body: undefined,
    });
    expect(server.seen).toHaveLength(2);
  });

  it('sends the code by the channel chosen, once only (it sends a message)', async () => {
    const delivery = {
      channel: 'sms',
      maskedAddress: '07*** ***321',
      codeLength: 8,
      resendAvailableAt: '2026-11-28T12:01:00.000Z',
      sendsLeft: 2,
    };
    const server = await serve((_req, res) => json(res, 200, delivery));
    const { client: c } = client(server.url);
    expect(await c.unlockChannel(attemptId, 'sms')).toEqual({ ok: true, value: delivery });
    expect(server.seen).toEqual([
      {
        method: 'POST',
        url: `/v1/unlock/attempts/${attemptId}/code/send`,
        body: { channel: 'sms' },
      },
    ]);
    const failing = await serve((_req, res) => json(res, 503, {}));
    expect(await client(failing.url).client.unlockChannel(attemptId, 'email')).toEqual({
      ok: false,
      error: appError('SERVER_ERROR'),
    });
    expect(failing.seen).toHaveLength(1);
  });

  it('when right answers leave the choice of channel to the holder, then that is what comes back', async () => {
    const server = await serve((_req, res) => json(res, 200, { next: 'channel' }));
    const result = await client(server.url).client.unlockAnswers(attemptId, [
      { questionId: 'q1', answer: 'Ford Escort' },
    ]);
    expect(result).toEqual({ ok: true, value: { next: 'channel' } });
  });

  it('when a route has no response body, then it resolves to ok', async () => {
    const server = await serve((_req, res) => json(res, 204, undefined));
    expect(await client(server.url).client.unlockCancel(attemptId)).toEqual({
      ok: true,
      value: undefined,
    });
    expect(server.seen[0]?.method).toBe('DELETE');
  });

  it('normalises a typed code before sending it, and refuses to send a malformed one', async () => {
    const server = await serve((_req, res) => json(res, 204, undefined));
    const { client: c } = client(server.url);
    expect((await c.registerCode(attemptId, 'abcd-2345')).ok).toBe(true);
    expect(server.seen[0]?.body).toEqual({ code: 'ABCD2345' });
    expect(await c.registerCode(attemptId, '!')).toEqual({
      ok: false,
      error: appError('VALIDATION_FAILED'),
    });
    expect(server.seen).toHaveLength(1);
  });
});

describe('server client: failures become typed errors', () => {
  it('when nothing listens on the port, then SERVER_UNREACHABLE', async () => {
    const server = await serve(() => undefined);
    await server.close();
    closers.pop();
    const result = await client(server.url).client.unlockStart(cardId);
    expect(result).toEqual({ ok: false, error: appError('SERVER_UNREACHABLE') });
  });

  it('when the server does not answer in time, then SERVER_UNREACHABLE', async () => {
    const server = await serve(() => undefined); // never replies
    const result = await client(server.url, { timeoutMs: 150 }).client.unlockStart(cardId);
    expect(result).toEqual({ ok: false, error: appError('SERVER_UNREACHABLE') });
  });

  it('when the server fails with a 5xx, then SERVER_ERROR', async () => {
    const server = await serve((_req, res) => json(res, 500, { oops: true }));
    expect(await client(server.url).client.unlockStart(cardId)).toEqual({
      ok: false,
      error: appError('SERVER_ERROR'),
    });
  });

  it('when mail is down (503 MAIL_UNAVAILABLE), then the holder is told so, not that the service failed', async () => {
    const mailDown = { code: 'MAIL_UNAVAILABLE', message: 'x', nextStep: 'y' };
    const server = await serve((_req, res) => json(res, 503, { error: mailDown }));
    const result = await client(server.url).client.unlockResend(attemptId);
    expect(result).toEqual({ ok: false, error: appError('MAIL_UNAVAILABLE') });
  });

  it('when text messages are down (503 TEXT_UNAVAILABLE), then the holder is told so, not that the service failed', async () => {
    const textDown = { code: 'TEXT_UNAVAILABLE', message: 'x', nextStep: 'y' };
    const server = await serve((_req, res) => json(res, 503, { error: textDown }));
    const result = await client(server.url).client.unlockChannel(attemptId, 'sms');
    expect(result).toEqual({ ok: false, error: appError('TEXT_UNAVAILABLE') });
  });

  it('when the holder has no address (NO_CONTACT), then it comes through in our wording', async () => {
    const server = await serve((_req, res) =>
      json(res, 409, { error: { code: 'NO_CONTACT', message: 'x', nextStep: 'y' } }),
    );
    const result = await client(server.url).client.unlockProof(attemptId, Uint8Array.of(1));
    expect(result).toEqual({ ok: false, error: appError('NO_CONTACT') });
  });

  it('when the service is unavailable (503 SERVICE_UNAVAILABLE), then the holder is told so, and a repeatable step is repeated', async () => {
    const down = { code: 'SERVICE_UNAVAILABLE', message: 'x', nextStep: 'y' };
    const server = await serve((_req, res) => json(res, 503, { error: down }));
    expect(await client(server.url).client.unlockStart(cardId)).toEqual({
      ok: false,
      error: appError('SERVICE_UNAVAILABLE'),
    });
    expect(server.seen).toHaveLength(1);
    const outcome = await client(server.url).client.unlockOutcome(attemptId, {
      outcome: 'unlocked',
      pukOnCard: 'next',
    });
    expect(outcome).toEqual({ ok: false, error: appError('SERVICE_UNAVAILABLE') });
    expect(server.seen.length).toBeGreaterThan(2);
  });

  it('when a 5xx names any other code, then it is still SERVER_ERROR', async () => {
    const internal = { code: 'INTERNAL', message: 'x', nextStep: 'y' };
    const server = await serve((_req, res) => json(res, 500, { error: internal }));
    expect(await client(server.url).client.unlockStart(cardId)).toEqual({
      ok: false,
      error: appError('SERVER_ERROR'),
    });
  });

  it("when the server refuses with a 4xx, then the server's code with its details, in our wording", async () => {
    const server = await serve((_req, res) =>
      json(res, 400, {
        error: { code: 'ANSWERS_WRONG', message: 'x', nextStep: 'y', details: { triesLeft: 1 } },
      }),
    );
    const result = await client(server.url).client.unlockAnswers(attemptId, [
      { questionId: 'q1', answer: 'Ford Escort' },
    ]);
    expect(result).toEqual({ ok: false, error: appError('ANSWERS_WRONG', { triesLeft: 1 }) });
    expect(!result.ok && result.error.message).toContain('1 more try left');
  });

  it('when a 4xx body is not an error body, then SERVER_ERROR, and a bare 429 is RATE_LIMITED', async () => {
    let status = 404;
    const server = await serve((_req, res) => json(res, status, '<html>'));
    const { client: c } = client(server.url);
    expect(await c.unlockStart(cardId)).toEqual({ ok: false, error: appError('SERVER_ERROR') });
    status = 429;
    expect(await c.unlockStart(cardId)).toEqual({ ok: false, error: appError('RATE_LIMITED') });
  });

  it('when a 2xx body does not match the API (an extra field), then SERVER_ERROR', async () => {
    const server = await serve((_req, res) => json(res, 201, { ...startResponse, extra: 1 }));
    expect(await client(server.url).client.unlockStart(cardId)).toEqual({
      ok: false,
      error: appError('SERVER_ERROR'),
    });
  });
});

describe('server client: retries only where repeating is harmless', () => {
  it('when the outcome report meets a 503, then it is repeated until it gets through', async () => {
    const server = await serve((_req, res) =>
      server.seen.length < 3 ? json(res, 503, {}) : json(res, 204, undefined),
    );
    const result = await client(server.url).client.unlockOutcome(attemptId, {
      outcome: 'unlocked',
      pukOnCard: 'next',
    });
    expect(result.ok).toBe(true);
    expect(server.seen).toHaveLength(3);
  });

  it('when the unblock answer is lost (the connection drops), then it is asked again and the release arrives', async () => {
    const release = { puk: '12345678', unconfirmedPuk: null, nextPuk: '87654321' };
    const server = await serve((_req, res) => {
      if (server.seen.length < 2) res.socket?.destroy();
      else json(res, 200, release);
    });
    expect(await client(server.url).client.unlockUnblock(attemptId)).toEqual({
      ok: true,
      value: release,
    });
    expect(server.seen).toHaveLength(2);
  });

  it('when the answers meet a 503, then they are sent once only (they may have been counted)', async () => {
    const server = await serve((_req, res) => json(res, 503, {}));
    const result = await client(server.url).client.unlockAnswers(attemptId, [
      { questionId: 'q1', answer: 'x' },
    ]);
    expect(result).toEqual({ ok: false, error: appError('SERVER_ERROR') });
    expect(server.seen).toHaveLength(1);
  });

  it('when a cancel meets a 4xx, then it is not repeated (the server has decided)', async () => {
    const server = await serve((_req, res) =>
      json(res, 404, { error: appError('ATTEMPT_NOT_FOUND') }),
    );
    await client(server.url).client.unlockCancel(attemptId);
    expect(server.seen).toHaveLength(1);
  });
});

describe('server client: its transport', () => {
  it('reaches a server under a path prefix', async () => {
    const server = await serve((_req, res) => json(res, 201, startResponse));
    const result = await client(`${server.url}/smartcard-unlock/`).client.unlockStart(cardId);
    expect(result.ok).toBe(true);
    expect(server.seen.map((seen) => seen.url)).toEqual(['/smartcard-unlock/v1/unlock/attempts']);
  });

  it('reaches a server named by an IPv6 address', async (context) => {
    const reply: Reply = (_req, res) => json(res, 201, startResponse);
    const server = await serve(reply, undefined, '::1').catch(() => undefined);
    if (server === undefined) {
      console.log('skipped: this machine has no IPv6 loopback');
      return context.skip();
    }
    const result = await client(server.url).client.unlockStart(cardId);
    expect(result).toEqual({ ok: true, value: startResponse });
  });

  it('names the app and asks for an unencoded answer', async () => {
    const server = await serve((_req, res) => json(res, 201, startResponse));
    const { client: c } = client(server.url, { userAgent: 'smartcard-unlock/9.8.7' });
    expect((await c.unlockStart(cardId)).ok).toBe(true);
    expect(server.headers[0]).toMatchObject({
      'user-agent': 'smartcard-unlock/9.8.7',
      'accept-encoding': 'identity',
      accept: 'application/json',
      'content-type': 'application/json',
    });
  });

  it('reads a JSON answer that begins with a byte-order mark', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(`\uFEFF${JSON.stringify(startResponse)}`);
    });
    const result = await client(server.url).client.unlockStart(cardId);
    expect(result).toEqual({ ok: true, value: startResponse });
  });

  it('when a refusal comes encoded, then its status still speaks (429: RATE_LIMITED)', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(gzipSync(JSON.stringify({ error: appError('RATE_LIMITED') })));
    });
    const result = await client(server.url).client.unlockStart(cardId);
    expect(result).toEqual({ ok: false, error: appError('RATE_LIMITED') });
  });

  it('when the connection drops in the middle of an answer, then a read is asked again', async () => {
    const service = { verification: 'code-only', channels: ['sms', 'email'] };
    const server = await serve((_req, res) => {
      if (server.seen.length > 1) return json(res, 200, service);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '200' });
      res.write('{"verification":');
      setImmediate(() => res.socket?.destroy());
    });
    const result = await client(server.url).client.unlockService();
    expect(result).toEqual({ ok: true, value: service });
    expect(server.seen).toHaveLength(2);
  });

  it('when the server drops a kept-alive connection as a request goes out, then a read is asked again and the answers are not', async () => {
    const service = { verification: 'code-only', channels: ['sms', 'email'] };
    const used = new WeakSet<object>();
    const server = await serve((req, res) => {
      const socket = res.socket;
      if (socket === null) return;
      // Each connection's second request finds it closed, as when the server's idle timer won.
      if (used.has(socket)) return socket.destroy();
      used.add(socket);
      if (req.url.endsWith('/service')) return json(res, 200, service);
      json(res, 201, startResponse);
    });
    const { client: app } = client(server.url);
    expect((await app.unlockStart(cardId)).ok).toBe(true);
    expect(await app.unlockService()).toEqual({ ok: true, value: service });
    const answers = await app.unlockAnswers(attemptId, [{ questionId: 'first-car', answer: 'a' }]);
    // They may have been read and counted: the holder is told, and Try again decides.
    expect(answers).toEqual({ ok: false, error: appError('SERVER_UNREACHABLE') });
    expect(server.seen.map((seen) => seen.url)).toEqual([
      '/v1/unlock/attempts',
      '/v1/unlock/service',
      '/v1/unlock/service',
      `/v1/unlock/attempts/${attemptId}/answers`,
    ]);
  });

  it("closes an idle connection before the server's announced keep-alive ends", async () => {
    let socket: Socket | null = null;
    const server = await serve((_req, res) => {
      socket = res.socket;
      res.setHeader('Keep-Alive', 'timeout=2');
      json(res, 201, startResponse);
    });
    // This server never closes an idle connection itself: only the client can end this one.
    server.server.keepAliveTimeout = 0;
    expect((await client(server.url).client.unlockStart(cardId)).ok).toBe(true);
    if (socket === null) throw new Error('no connection');
    // Within the test's ten seconds: the hint closes it after one, the idle limit after fifteen.
    await once(socket, 'close');
  }, 10_000);

  it('waits for an answer slower than the idle limit on a kept-alive connection', async () => {
    const server = await serve((req, res) => {
      res.setHeader('Keep-Alive', 'timeout=2');
      // The answers take longer than the second the connection may idle between requests.
      if (req.url.endsWith('/answers')) {
        setTimeout(() => json(res, 200, { next: 'channel' }), 1500);
      } else json(res, 201, startResponse);
    });
    server.server.keepAliveTimeout = 0;
    const { client: app } = client(server.url, { timeoutMs: 20_000 });
    expect((await app.unlockStart(cardId)).ok).toBe(true);
    const result = await app.unlockAnswers(attemptId, [{ questionId: 'first-car', answer: 'a' }]);
    expect(result).toEqual({ ok: true, value: { next: 'channel' } });
    expect(server.seen).toHaveLength(2);
  });

  it('when an answer is larger than a client ever needs, then SERVER_ERROR', async () => {
    const huge = { ...startResponse, attemptId: 'a'.repeat(2 * 1024 * 1024) };
    const server = await serve((_req, res) => json(res, 201, huge));
    const result = await client(server.url).client.unlockStart(cardId);
    expect(result).toEqual({ ok: false, error: appError('SERVER_ERROR') });
  });

  it('when an answer comes encoded though identity was asked, then SERVER_ERROR', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(201, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(gzipSync(JSON.stringify(startResponse)));
    });
    const result = await client(server.url).client.unlockStart(cardId);
    expect(result).toEqual({ ok: false, error: appError('SERVER_ERROR') });
  });

  it('when the environment names a proxy, then the request goes through it', async () => {
    const proxy = await serve((_req, res) => json(res, 201, startResponse));
    vi.stubEnv('HTTP_PROXY', proxy.url);
    const result = await client('http://unlock.invalid:8080').client.unlockStart(cardId);
    expect(result).toEqual({ ok: true, value: startResponse });
    expect(proxy.seen.map((seen) => seen.url)).toEqual([
      'http://unlock.invalid:8080/v1/unlock/attempts',
    ]);
  });

  it('takes a proxy from any of the variables axios reads, and only a named one', () => {
    expect(proxyInEnvironment({})).toBe(false);
    expect(proxyInEnvironment({ http_proxy: '', NO_PROXY: '*' })).toBe(false);
    expect(proxyInEnvironment({ HTTPS_PROXY: 'http://proxy.example:3128' })).toBe(true);
    expect(proxyInEnvironment({ all_proxy: 'socks5://proxy.example:1080' })).toBe(true);
  });
});

describe('server client: TLS and the pinned certificate authority', () => {
  let tls: { key: string; cert: string; caFile: string; otherCaFile: string };

  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'tls-'));
    const make = (name: string) => {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:P-256',
          '-nodes',
          '-keyout',
          join(dir, `${name}.key`),
          '-out',
          join(dir, `${name}.pem`),
          '-subj',
          '/CN=127.0.0.1',
          '-addext',
          'subjectAltName=IP:127.0.0.1',
          '-days',
          '2',
        ],
        { stdio: 'ignore' },
      );
      return join(dir, name);
    };
    const server = make('server');
    const other = make('other');
    tls = {
      key: readFileSync(`${server}.key`, 'utf8'),
      cert: readFileSync(`${server}.pem`, 'utf8'),
      caFile: `${server}.pem`,
      otherCaFile: `${other}.pem`,
    };
  });

  it('when the server certificate is not trusted, then TLS_ERROR and nothing is sent', async () => {
    const server = await serve((_req, res) => json(res, 201, startResponse), tls);
    expect(await client(server.url).client.unlockStart(cardId)).toEqual({
      ok: false,
      error: appError('TLS_ERROR'),
    });
    expect(server.seen).toEqual([]);
  });

  it('when the pinned certificate authority signed the server certificate, then the call succeeds', async () => {
    const server = await serve((_req, res) => json(res, 201, startResponse), tls);
    const result = await client(server.url, { caCertificateFile: tls.caFile }).client.unlockStart(
      cardId,
    );
    expect(result.ok).toBe(true);
  });

  it('when a different authority is pinned, then TLS_ERROR', async () => {
    const server = await serve((_req, res) => json(res, 201, startResponse), tls);
    const result = await client(server.url, {
      caCertificateFile: tls.otherCaFile,
    }).client.unlockStart(cardId);
    expect(result).toEqual({ ok: false, error: appError('TLS_ERROR') });
  });

  it('when https meets a plain-http server, then TLS_ERROR', async () => {
    const server = await serve((_req, res) => json(res, 201, startResponse));
    const result = await client(server.url.replace('http:', 'https:')).client.unlockStart(cardId);
    expect(result).toEqual({ ok: false, error: appError('TLS_ERROR') });
  });
});

describe('server client: logs', () => {
  it('never logs what was sent or received, only the route and the outcome', async () => {
    const server = await serve((_req, res) => json(res, 400, { error: appError('CODE_WRONG') }));
    const { client: c, records } = client(server.url);
    await c.unlockCode(attemptId, 'SECRET42');
    await c.unlockAnswers(attemptId, [{ questionId: 'q1', answer: 'my secret answer' }]);
    const text = JSON.stringify(records);
    expect(text).not.toContain('SECRET42');
    expect(text).not.toContain('my secret answer');
    expect(records.map((r) => r.fields['route'])).toEqual(['unlockCode', 'unlockAnswers']);
  });
});
