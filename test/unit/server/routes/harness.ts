import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import { createApp } from '../../../../server/app';
import { httpSettingsSchema, type HttpSettings } from '../../../../server/http/settings';
import { createLogger } from '../../../../server/logging';
import { createMetrics } from '../../../../server/http/metrics';
import { fakeServices } from './fake-services';

/** A running app on port 0 with the fake domain, its captured log lines and a fetch helper. */
export interface Harness {
  readonly url: string;
  readonly logs: string[];
  readonly services: ReturnType<typeof fakeServices>;
  /** Sends JSON (or a raw string) and returns the status, headers and parsed body. */
  request(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; headers: Headers; body: unknown; text: string }>;
  close(): Promise<void>;
}

/** Starts the real app over real HTTP on a free port. */
export async function startHarness(
  settings: Partial<HttpSettings> = {},
  options: { readonly databaseUp?: () => boolean } = {},
): Promise<Harness> {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      callback();
    },
  });
  const services = fakeServices(options);
  const app = createApp({
    services,
    logger: createLogger('info', sink),
    http: {
      ...httpSettingsSchema.parse({
        // Tests send many requests from one address: the limits get their own tests.
        rateLimit: { maxRequests: 10_000, maxAttemptStarts: 10_000 },
      }),
      ...settings,
    },
    metrics: createMetrics({ processMetrics: false }),
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    logs,
    services,
    async request(method, path, body, headers = {}) {
      const init: RequestInit = { method, headers: { ...headers } };
      if (body !== undefined) {
        init.body = typeof body === 'string' ? body : JSON.stringify(body);
        (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
      }
      const res = await fetch(url + path, init);
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      return { status: res.status, headers: res.headers, body: parsed, text };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
