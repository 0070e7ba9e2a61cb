import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import net from 'node:net';

/**
 * The main thread's CPU time so far in ms, from /proc (Linux), or undefined elsewhere. The
 * process's CPU time includes the argon2id worker threads; this is what the HTTP, database and
 * logging work on the event loop cost.
 */
export function mainThreadCpuMs(): number | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    // Fields after the command name's closing parenthesis; utime and stime are the 12th and 13th,
    // in clock ticks (USER_HZ, 100 a second on Linux).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks * 10 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One keep-alive HTTP/1.1 connection, one request at a time, reading only the status line and
 * Content-Length: it shares the process with the server, and `fetch` or `node:http` took up to a
 * millisecond of its main thread per request (docs/security-model.md, "Benchmark").
 */
export async function rawConnection(
  url: string,
  options: { readonly localAddress?: string } = {},
): Promise<{
  /** POSTs `body` as JSON, or GETs `path` without one. */
  readonly request: (path: string, body?: string) => Promise<number>;
  readonly close: () => void;
}> {
  const { hostname, port } = new URL(url);
  const socket = net.connect({
    host: hostname,
    port: Number(port),
    noDelay: true,
    ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
  });
  await once(socket, 'connect');
  let pending:
    | { resolve: (status: number) => void; reject: (error: Error) => void; received: Buffer }
    | undefined;
  /** Why the connection can take no more requests, once it cannot. */
  let closed: Error | undefined;
  const fail = (error: Error) => {
    pending?.reject(error);
    pending = undefined;
  };
  // A request unanswered this long fails the bench with a message instead of hanging it.
  socket.setTimeout(30_000, () => {
    if (pending === undefined) return;
    closed = new Error('the server did not answer within 30 s');
    fail(closed);
    socket.destroy();
  });
  socket.on('error', (error) => {
    closed ??= error;
    fail(error);
  });
  socket.on('close', () => {
    closed ??= new Error('the server closed the connection');
    fail(closed);
  });
  socket.on('data', (chunk: Buffer) => {
    if (pending === undefined) return;
    pending.received =
      pending.received.length === 0 ? chunk : Buffer.concat([pending.received, chunk]);
    const received = pending.received;
    const headEnd = received.indexOf('\r\n\r\n');
    if (headEnd === -1) return;
    const head = received.toString('latin1', 0, headEnd);
    const length = /\r\ncontent-length: *(\d+)/i.exec(head)?.[1];
    if (length === undefined) {
      fail(new Error(`an answer without Content-Length: ${head}`));
      return;
    }
    if (received.length < headEnd + 4 + Number(length)) return;
    const status = Number(head.slice(9, 12));
    const done = pending;
    pending = undefined;
    if (received.length > headEnd + 4 + Number(length)) {
      done.reject(new Error('the server sent more than one answer'));
    } else done.resolve(status);
  });
  const host = `${hostname}:${port}`;
  return {
    request: (path, body) =>
      new Promise<number>((resolve, reject) => {
        if (closed !== undefined) {
          reject(closed);
          return;
        }
        pending = { resolve, reject, received: Buffer.alloc(0) };
        socket.write(
          body === undefined
            ? `GET ${path} HTTP/1.1\r\nHost: ${host}\r\n\r\n`
            : `POST ${path} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
          (error) => {
            if (error) fail(error);
          },
        );
      }),
    close: () => {
      socket.removeAllListeners('close');
      socket.destroy();
    },
  };
}
