import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Express } from 'express';
import { Writable } from 'node:stream';
import { createApp, createOperatorApp } from '../../../../server/app';
import type { HelpContacts } from '../../../../src/shared/help';
import { httpSettingsSchema, type HttpSettings } from '../../../../server/http/settings';
import { createLogger } from '../../../../server/logging';
import { createMetrics } from '../../../../server/http/metrics';
import { fakeServices } from './fake-services';

/** A running app on port 0 with the fake domain, its captured log lines and a fetch helper. */
export interface Harness {
  readonly url: string;
  /** The operator app (readiness, metrics) on its own port, sharing the services and metrics. */
  readonly operatorUrl: string;
  readonly logs: string[];
  readonly services: ReturnType<typeof fakeServices>;
  /** Sends JSON (or a raw string) and returns the status, headers and parsed body. */
  request(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; headers: Headers; body: unknown; text: string }>;
  /** `request` on the operator app. */
  operatorRequest(
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
  options: { readonly databaseUp?: () => boolean; readonly help?: HelpContacts } = {},
): Promise<Harness> {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      callback();
    },
  });
  const services = fakeServices(options);
  const logger = createLogger('info', sink);
  const http: HttpSettings = {
    ...httpSettingsSchema.parse({
      // Tests send many requests from one address: the limits get their own tests.
      rateLimit: { maxRequests: 10_000, maxAttemptStarts: 10_000 },
    }),
    ...settings,
  };
  const metrics = createMetrics({ processMetrics: false });
  const help = options.help === undefined ? {} : { help: options.help };
  const server = await serve(createApp({ services, logger, http, metrics, ...help }));
  const operator = await serve(createOperatorApp({ services, logger, http, metrics }));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const operatorUrl = `http://127.0.0.1:${(operator.address() as AddressInfo).port}`;
  return {
    url,
    operatorUrl,
    logs,
    services,
    request: (method, path, body, headers) => send(url + path, method, body, headers),
    operatorRequest: (method, path, body, headers) =>
      send(operatorUrl + path, method, body, headers),
    close: async () => {
      await Promise.all([stop(server), stop(operator)]);
    },
  };
}

function serve(app: Express): Promise<Server> {
  return new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
}

function stop(server: Server): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.closeAllConnections();
    server.close((error) => (error ? reject(error) : resolve()));
  });
}

async function send(
  url: string,
  method: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: unknown; text: string }> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body =
      typeof body === 'string'
        ? body
        : body instanceof Uint8Array
          ? new Blob([new Uint8Array(body)])
          : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const res = await fetch(url, init);
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}
