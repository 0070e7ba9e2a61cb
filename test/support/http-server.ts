import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/** A request as a test server saw it. */
export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly body: unknown;
}

/** How the test server answers one request. */
export type Reply = (req: SeenRequest, res: ServerResponse) => void;

/**
 * A real HTTP(S) server on `host` (127.0.0.1 by default) and a free port, recording what it
 * receives; the headers apart, so `seen` compares as method, path and body.
 */
export async function startTestServer(
  reply: Reply,
  tls?: { readonly key: string; readonly cert: string },
  host = '127.0.0.1',
): Promise<{
  url: string;
  server: Server;
  seen: SeenRequest[];
  headers: IncomingHttpHeaders[];
  close: () => Promise<void>;
}> {
  const seen: SeenRequest[] = [];
  const headers: IncomingHttpHeaders[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    headers.push(req.headers);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const request = {
        method: req.method ?? '',
        url: req.url ?? '',
        body: text === '' ? undefined : (JSON.parse(text) as unknown),
      };
      seen.push(request);
      reply(request, res);
    });
  };
  const server: Server = tls ? createHttpsServer(tls, handler) : createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`,
    server,
    seen,
    headers,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Writes a JSON response. */
export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body === undefined ? '' : JSON.stringify(body));
}
