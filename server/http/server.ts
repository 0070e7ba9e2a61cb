import {
  createServer as createHttpServer,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TlsMaterial } from '../config';
import { httpSettingsSchema, type ConnectionSettings } from './settings';

/** A listening server and how to stop it. */
export interface RunningServer {
  readonly server: Server;
  /** Where it listens, e.g. `https://127.0.0.1:8443`. */
  readonly url: string;
  /**
   * Stops accepting connections, lets in-flight requests finish for up to `graceMs`, then
   * closes whatever is left. Resolves when the server is closed.
   */
  close(graceMs: number): Promise<void>;
}

/** Where and how to listen. */
interface ListenOptions {
  readonly host: string;
  readonly port: number;
  /** HTTPS when present; plain HTTP only when the settings allowed it. */
  readonly tls: TlsMaterial | undefined;
  /** The connection limits; the settings' defaults when absent. */
  readonly http?: { readonly connections: ConnectionSettings };
}

/** The connection limits when the caller gives none: the same defaults as the settings. */
const DEFAULT_CONNECTIONS = httpSettingsSchema.parse({}).connections;

/**
 * Node checks the header and request timeouts only every `connectionsCheckingInterval` (30 s by
 * default), so a 10 s timeout could fire at 40 s: check ten times per headers timeout, at least
 * once a second.
 */
export function connectionsCheckingIntervalMs(limits: ConnectionSettings): number {
  return Math.min(1000, Math.max(50, Math.floor(limits.headersTimeoutMs / 10)));
}

/** Creates the HTTP or HTTPS server for an app, with its connection limits, and listens. */
export function listen(app: RequestListener, options: ListenOptions): Promise<RunningServer> {
  const limits = options.http?.connections ?? DEFAULT_CONNECTIONS;
  const httpOptions = {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: connectionsCheckingIntervalMs(limits),
  };
  const server: Server =
    options.tls === undefined
      ? createHttpServer(httpOptions, app)
      : createHttpsServer(
          {
            ...httpOptions,
            cert: options.tls.cert,
            key: options.tls.key,
            minVersion: 'TLSv1.2',
            // The headers timeout starts only after the handshake; a client stalling inside the
            // handshake would otherwise hold its connection for Node's 120 s.
            handshakeTimeout: limits.headersTimeoutMs,
          },
          app,
        );
  // Beyond the cap, Node closes each new connection as soon as it is accepted ('drop').
  server.maxConnections = limits.maxConnections;
  server.maxRequestsPerSocket = limits.maxRequestsPerSocket ?? 0;
  let closing = false;
  // Once closing, each finished response frees its keep-alive connection at once, so shutdown
  // does not wait for clients' idle timeouts.
  server.on('request', (_req, res: ServerResponse) => {
    res.on('finish', () => {
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      const url = `${options.tls === undefined ? 'http' : 'https'}://${host}:${address.port}`;
      resolve({
        server,
        url,
        close: (graceMs) => {
          closing = true;
          return closeGracefully(server, graceMs);
        },
      });
    });
  });
}

/** Stops accepting, closes idle keep-alive connections, and forces the rest after the grace. */
function closeGracefully(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    timer.unref();
    server.close((error) => {
      clearTimeout(timer);
      if (error && (error as NodeJS.ErrnoException).code !== 'ERR_SERVER_NOT_RUNNING')
        reject(error);
      else resolve();
    });
    server.closeIdleConnections();
  });
}
