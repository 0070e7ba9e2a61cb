import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import { appError, type ErrorCode } from '../../shared/errors';
import { jsonTextExceedsLimits } from '../../shared/json-limits';
import { dispatchInvoke, type InvokeHandlers } from '../ipc/dispatch';
import type { EventHub } from '../ipc/event-hub';
import type { Logger } from '../logging/logger';
import { CONTENT_SECURITY_POLICY } from '../window/content-security-policy';
import { wording } from '../../shared/wording';
import { bridgeShimSource, CONNECT_PATH } from './bridge-shim';

/**
 * Browser mode: the same renderer and IPC handlers served on loopback, to requests with the per-run
 * token, this server's Host (against DNS rebinding) and, for calls, this origin (ADR 0010).
 */

/** A running bridge. */
export interface BrowserBridge {
  /** The address to open, token included in the fragment. */
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  close(): Promise<void>;
}

/** What the bridge serves and calls. */
interface BrowserBridgeOptions {
  readonly handlers: InvokeHandlers;
  readonly events: EventHub;
  /** The built renderer (out/renderer). */
  readonly rendererDir: string;
  readonly logger: Logger;
  /** 0 (default) for a free port. */
  readonly port?: number;
  /** A fixed token for tests; random otherwise. */
  readonly token?: string;
}

const MAX_BODY = 64 * 1024;
const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.json': 'application/json',
};

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, {
    'content-type': type,
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-resource-policy': 'same-origin',
    'cache-control': 'no-store',
  });
  res.end(body);
}

/** Each refusal's status and code; the page shows the code's wording (src/shared/errors.ts). */
const REFUSALS = {
  invalid: [400, 'VALIDATION_FAILED'],
  unauthorised: [401, 'BRIDGE_UNAUTHORISED'],
  foreignOrigin: [403, 'BRIDGE_ORIGIN_REFUSED'],
  notFound: [404, 'NOT_FOUND'],
  method: [405, 'NOT_FOUND'],
  tooLarge: [413, 'VALIDATION_FAILED'],
  notJson: [415, 'VALIDATION_FAILED'],
  foreignHost: [421, 'BRIDGE_HOST_REFUSED'],
  failed: [500, 'INTERNAL'],
} as const satisfies Record<string, readonly [number, ErrorCode]>;

function refuse(res: ServerResponse, refusal: keyof typeof REFUSALS): void {
  const [status, code] = REFUSALS[refusal];
  send(res, status, 'application/json', JSON.stringify({ ok: false, error: appError(code) }));
}

/** The request's path, decoded; null when its URL or percent-encoding is malformed. */
function pathOf(req: IncomingMessage, origin: string): string | null {
  try {
    return decodeURIComponent(new URL(req.url ?? '/', origin).pathname);
  } catch {
    return null;
  }
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolveBody) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        resolveBody(null);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolveBody(null));
  });
}

/** Puts the shim before the page's own scripts, so `window.api` exists when they run. */
function injectShim(html: string): string {
  const tag = '<script src="/bridge/shim.js"></script>';
  const head = /<head[^>]*>/i.exec(html);
  if (head === null) return tag + html;
  const at = head.index + head[0].length;
  return `${html.slice(0, at)}\n    ${tag}${html.slice(at)}`;
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page for an address without its token: no app, only what to do (it holds no secret). */
function connectPage(): string {
  const words = wording().bridgeConnect;
  const { name } = wording().service;
  return `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>${escapeHtml(`${words.heading} - ${name}`)}</title></head>
<body><main><h1>${escapeHtml(words.heading)}</h1><p>${escapeHtml(words.lead)}</p>
<ol>${words.steps.map((step) => `<li>${escapeHtml(step)}</li>`).join('')}</ol></main></body></html>`;
}

const NOT_BUILT = `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Smartcard Unlock</title></head>
<body><h1>Smartcard Unlock</h1><p>The screens have not been built yet. Run <code>npm run build</code>, then reload this page.</p></body></html>`;

/** Starts the bridge on 127.0.0.1. */
export async function startBrowserBridge(options: BrowserBridgeOptions): Promise<BrowserBridge> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  const expected = Buffer.from(`Bearer ${token}`);
  const root = resolve(options.rendererDir);
  const shim = bridgeShimSource();
  let origin = '';
  let host = '';
  const streams = new Set<ServerResponse>();

  const authorised = (req: IncomingMessage): boolean => {
    const given = Buffer.from(req.headers.authorization ?? '');
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  const unsubscribe = options.events.subscribe((channel, payload) => {
    const frame = `event: ${channel}\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const res of streams) res.write(frame);
  });

  async function serveFile(res: ServerResponse, path: string): Promise<void> {
    const file = resolve(root, `.${path}`);
    if (file !== root && !file.startsWith(root + sep)) return refuse(res, 'notFound');
    try {
      const body = await readFile(file);
      if (extname(file) === '.html') {
        return send(res, 200, TYPES['.html']!, injectShim(body.toString('utf8')));
      }
      send(res, 200, TYPES[extname(file)] ?? 'application/octet-stream', body);
    } catch {
      if (path === '/index.html') return send(res, 200, TYPES['.html']!, NOT_BUILT);
      refuse(res, 'notFound');
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Only this server's own name: a page on another name that resolves here is refused.
    if (req.headers.host !== host) return refuse(res, 'foreignHost');
    const path = pathOf(req, origin);
    if (path === null) return refuse(res, 'invalid');

    if (req.method === 'POST' && path.startsWith('/ipc/')) {
      if (req.headers.origin !== origin) return refuse(res, 'foreignOrigin');
      if (!authorised(req)) return refuse(res, 'unauthorised');
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
        return refuse(res, 'notJson');
      }
      const text = await readBody(req);
      if (text === null) return refuse(res, 'tooLarge');
      // Nesting is counted in one pass before the parse, whose cost grows faster than the text.
      if (jsonTextExceedsLimits(text)) return refuse(res, 'invalid');
      let body: unknown;
      try {
        body = text === '' ? {} : JSON.parse(text);
      } catch {
        return refuse(res, 'invalid');
      }
      const result = await dispatchInvoke(options.handlers, path.slice('/ipc/'.length), body);
      return send(res, 200, 'application/json', JSON.stringify(result));
    }

    if (req.method !== 'GET') return refuse(res, 'method');
    if (req.headers.origin !== undefined && req.headers.origin !== origin) {
      return refuse(res, 'foreignOrigin');
    }

    if (path === '/bridge/events') {
      if (!authorised(req)) return refuse(res, 'unauthorised');
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        connection: 'keep-alive',
      });
      res.write(': connected\n\n');
      streams.add(res);
      req.on('close', () => streams.delete(res));
      return;
    }
    if (path === '/bridge/shim.js') return send(res, 200, TYPES['.js']!, shim);
    if (path === CONNECT_PATH) return send(res, 200, TYPES['.html']!, connectPage());
    return serveFile(res, path === '/' ? '/index.html' : path);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.logger.error('bridge request failed', { error });
      if (!res.headersSent) refuse(res, 'failed');
      else res.end();
    });
  });
  const keepAlive = setInterval(() => {
    for (const res of streams) res.write(': keep-alive\n\n');
  }, 15_000);
  keepAlive.unref();

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  const { port } = server.address() as AddressInfo;
  host = `127.0.0.1:${port}`;
  origin = `http://${host}`;
  options.logger.info('browser bridge listening', { origin });

  return {
    url: `${origin}/#token=${token}`,
    origin,
    token,
    close: () =>
      new Promise((resolveClose) => {
        clearInterval(keepAlive);
        unsubscribe();
        for (const res of streams) res.end();
        streams.clear();
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}

/** Where the built renderer lives, relative to the project root. */
export const rendererBuildDir = (projectRoot: string): string =>
  join(projectRoot, 'out', 'renderer');
