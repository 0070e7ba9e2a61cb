import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen } from '../../../../server/http/server';
import { createApp } from '../../../../server/app';
import { httpSettingsSchema } from '../../../../server/http/settings';
import { createLogger } from '../../../../server/logging';
import { createMetrics } from '../../../../server/http/metrics';
import { fakeServices } from '../../../unit/server/routes/fake-services';
import { makeTestCertificate } from '../../../unit/server/config/test-certificate';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'scu-https-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** GET over HTTPS trusting only the given CA; resolves with status and body. */
function httpsGet(url: string, ca: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { ca }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Whether a TCP connection to the port is accepted. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('serving HTTPS', () => {
  it('when a certificate is set, then the app answers over TLS to a client trusting it, and not to one that does not', async () => {
    const { certFile, keyFile } = makeTestCertificate(dir);
    const cert = readFileSync(certFile);
    const app = createApp({
      services: fakeServices(),
      logger: createLogger('silent'),
      http: httpSettingsSchema.parse({}),
      metrics: createMetrics({ processMetrics: false }),
    });
    const running = await listen(app, {
      host: '127.0.0.1',
      port: 0,
      tls: { certFile, keyFile, cert, key: readFileSync(keyFile) },
    });
    try {
      expect(running.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const res = await httpsGet(`${running.url}/healthz`, cert);
      expect(res).toEqual({ status: 200, body: '{"status":"ok"}' });
      await expect(fetch(`${running.url}/healthz`)).rejects.toThrow();
    } finally {
      await running.close(1000);
    }
  });
});

describe('stopping gracefully', () => {
  it('when close is called during a request, then new connections are refused and the request still completes', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered: () => void = () => undefined;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const app = express();
    app.get('/slow', async (_req, res) => {
      entered();
      await gate;
      res.json({ finished: true });
    });
    const running = await listen(app, { host: '127.0.0.1', port: 0, tls: undefined });
    const port = Number(new URL(running.url).port);

    const inFlight = fetch(`${running.url}/slow`).then((r) => r.json());
    await inside;
    const closed = running.close(30_000);
    expect(await accepts(port)).toBe(false);
    release();
    expect(await inFlight).toEqual({ finished: true });
    await closed;
  });

  it('when a request outlasts the grace period, then its connection is closed so shutdown ends', async () => {
    const app = express();
    let entered: () => void = () => undefined;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    app.get('/stuck', () => entered());
    const running = await listen(app, { host: '127.0.0.1', port: 0, tls: undefined });
    const stuck = fetch(`${running.url}/stuck`).catch((error: unknown) => error);
    await inside;
    await running.close(50);
    expect(await stuck).toBeInstanceOf(Error);
  });
});
