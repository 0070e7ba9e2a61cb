import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { connect as netConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, createOperatorApp } from '../../../../server/app';
import type { TlsMaterial } from '../../../../server/config';
import { createMetrics } from '../../../../server/http/metrics';
import { listen, type RunningServer } from '../../../../server/http/server';
import {
  connectionSettingsSchema,
  httpSettingsSchema,
  type ConnectionSettings,
} from '../../../../server/http/settings';
import { createLogger } from '../../../../server/logging';
import { makeTestCertificate } from '../../../unit/server/config/test-certificate';
import { fakeServices } from '../../../unit/server/routes/fake-services';

/**
 * The connection limits over real sockets on loopback: each test waits for the server to close
 * the connection (the socket's 'close' event) and never measures time, so a slow machine only
 * makes it slower, not flaky.
 */

let dir: string;
let tls: TlsMaterial;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'scu-limits-'));
  const { certFile, keyFile } = makeTestCertificate(dir);
  tls = { certFile, keyFile, cert: readFileSync(certFile), key: readFileSync(keyFile) };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Short timeouts, so a test waits a second or two for the server to give up on a client. */
const SHORT = connectionSettingsSchema.parse({
  headersTimeoutMs: 1000,
  requestTimeoutMs: 2000,
  keepAliveTimeoutMs: 1000,
});

const REQUEST = 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: slowloris\r\n\r\n';

/** The public app (fake domain) behind `listen` with the given limits. */
function startPublic(connections: ConnectionSettings, withTls = false): Promise<RunningServer> {
  const http = httpSettingsSchema.parse({ connections });
  const app = createApp({
    services: fakeServices(),
    logger: createLogger('silent'),
    http,
    metrics: createMetrics({ processMetrics: false }),
  });
  return listen(app, { host: '127.0.0.1', port: 0, tls: withTls ? tls : undefined, http });
}

const portOf = (running: RunningServer): number => Number(new URL(running.url).port);

/** A raw client: plain TCP, or TLS trusting the test certificate; resolves once connected. */
async function client(running: RunningServer): Promise<{ socket: Socket; received: () => string }> {
  const port = portOf(running);
  const socket = running.url.startsWith('https:')
    ? tlsConnect({ port, host: '127.0.0.1', ca: tls.cert })
    : netConnect(port, '127.0.0.1');
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  socket.on('error', () => undefined); // a reset is one way for the server to close it
  await once(socket, running.url.startsWith('https:') ? 'secureConnect' : 'connect');
  return { socket, received: () => text };
}

/** Sends the request one byte at a time until the server closes the connection; resolves then. */
async function dripUntilClosed(socket: Socket): Promise<number> {
  let sent = 0;
  const timer = setInterval(() => {
    if (sent < REQUEST.length && socket.writable) socket.write(REQUEST[sent++]!);
  }, 100);
  await once(socket, 'close');
  clearInterval(timer);
  return sent;
}

describe('connection limits', () => {
  it.each([
    ['plain HTTP', false],
    ['HTTPS', true],
  ])(
    'when a client over %s sends its headers byte by byte slower than the headers timeout, then the server answers 408 and closes the connection before the headers end',
    async (_what, withTls) => {
      const running = await startPublic(SHORT, withTls);
      try {
        const { socket, received } = await client(running);
        const sent = await dripUntilClosed(socket);
        expect(sent).toBeLessThan(REQUEST.length);
        expect(received()).toMatch(/^HTTP\/1\.1 408 /);
      } finally {
        await running.close(100);
      }
    },
  );

  it('when a client connects and sends nothing, then the headers timeout closes it too', async () => {
    const running = await startPublic(SHORT);
    try {
      const { socket, received } = await client(running);
      await once(socket, 'close');
      expect(received()).toMatch(/^HTTP\/1\.1 408 /);
    } finally {
      await running.close(100);
    }
  });

  it('when a client opens a TCP connection to the HTTPS port and never starts the handshake, then it is closed', async () => {
    const running = await startPublic(SHORT, true);
    try {
      const socket = netConnect(portOf(running), '127.0.0.1');
      socket.on('error', () => undefined);
      await once(socket, 'connect');
      await once(socket, 'close');
      expect(socket.bytesRead).toBe(0);
    } finally {
      await running.close(100);
    }
  });

  it('when a keep-alive connection stays idle after its response, then the keep-alive timeout closes it', async () => {
    const running = await startPublic(SHORT);
    try {
      const { socket, received } = await client(running);
      socket.write(REQUEST);
      await once(socket, 'close');
      expect(received()).toMatch(/^HTTP\/1\.1 200 /);
      expect(received()).toContain('Keep-Alive: timeout=1');
    } finally {
      await running.close(100);
    }
  });

  it('when a connection reaches maxRequestsPerSocket, then its last response says close and a further request gets 503', async () => {
    const running = await startPublic({ ...SHORT, maxRequestsPerSocket: 2 });
    try {
      const { socket, received } = await client(running);
      socket.write(REQUEST + REQUEST + REQUEST);
      // Node leaves closing to the client; the keep-alive timeout ends it for one that does not.
      await once(socket, 'close');
      const responses = received().split(/(?=HTTP\/1\.1 )/);
      expect(responses.map((r) => r.slice(0, 12))).toEqual([
        'HTTP/1.1 200',
        'HTTP/1.1 200',
        'HTTP/1.1 503',
      ]);
      expect(responses[1]).toMatch(/Connection: close/i);
    } finally {
      await running.close(100);
    }
  });

  it('when more connections arrive than maxConnections, then the extra one is closed unanswered and the others still work', async () => {
    const running = await startPublic({ ...connectionSettingsSchema.parse({}), maxConnections: 2 });
    try {
      let count = 0;
      const accepted = new Promise<void>((resolve) =>
        running.server.on('connection', () => ++count === 2 && resolve()),
      );
      const held = [await client(running), await client(running)];
      await accepted;

      const dropped = once(running.server, 'drop');
      const extra = await client(running);
      await once(extra.socket, 'close');
      await dropped;
      expect(extra.received()).toBe('');

      const first = held[0]!;
      first.socket.write(REQUEST.replace('\r\n\r\n', '\r\nConnection: close\r\n\r\n'));
      await once(first.socket, 'close');
      expect(first.received()).toMatch(/^HTTP\/1\.1 200 /);
      held[1]!.socket.destroy();
    } finally {
      await running.close(100);
    }
  });
});

/** GET over HTTPS trusting the test certificate. */
function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { ca: tls.cert }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the operator listener', () => {
  let publicServer: RunningServer;
  let operator: RunningServer;
  beforeAll(async () => {
    const services = fakeServices();
    const logger = createLogger('silent');
    const http = httpSettingsSchema.parse({ connections: SHORT });
    const metrics = createMetrics({ processMetrics: false });
    const listenOn = { host: '127.0.0.1', port: 0, tls, http };
    publicServer = await listen(createApp({ services, logger, http, metrics }), listenOn);
    operator = await listen(createOperatorApp({ services, logger, http, metrics }), listenOn);
  });
  afterAll(async () => {
    await Promise.all([publicServer.close(100), operator.close(100)]);
  });

  it('when /readyz and /metrics are asked, then the operator listener answers them and the public one says 404', async () => {
    await get(`${publicServer.url}/openapi.json`);
    const ready = await get(`${operator.url}/readyz`);
    expect([ready.status, JSON.parse(ready.body)]).toEqual([
      200,
      { status: 'ok', checks: { database: 'ok' } },
    ]);
    const metrics = await get(`${operator.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain(
      'scu_http_requests_total{method="GET",route="/openapi.json",status="200"} 1',
    );
    for (const path of ['/readyz', '/metrics']) {
      const res = await get(`${publicServer.url}${path}`);
      expect([path, res.status]).toEqual([path, 404]);
      expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'NOT_FOUND' } });
    }
    expect((await get(`${publicServer.url}/healthz`)).status).toBe(200);
    expect((await get(`${operator.url}/healthz`)).status).toBe(200);
  });

  it('when a slow client holds the operator listener, then the same headers timeout closes it', async () => {
    const { socket, received } = await client(operator);
    const sent = await dripUntilClosed(socket);
    expect(sent).toBeLessThan(REQUEST.length);
    expect(received()).toMatch(/^HTTP\/1\.1 408 /);
  });
});
