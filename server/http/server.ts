import {
  createServer as createHttpServer,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TlsMaterial } from '../config';

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
export interface ListenOptions {
  readonly host: string;
  readonly port: number;
  /** HTTPS when present; plain HTTP only when the settings allowed it. */
  readonly tls: TlsMaterial | undefined;
}

/** Creates the HTTP or HTTPS server for an app and starts listening. */
export function listen(app: RequestListener, options: ListenOptions): Promise<RunningServer> {
  const server: Server =
    options.tls === undefined
      ? createHttpServer(app)
      : createHttpsServer(
          { cert: options.tls.cert, key: options.tls.key, minVersion: 'TLSv1.2' },
          app,
        );
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
