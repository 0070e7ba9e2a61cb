import { createServer, type Server, type Socket } from 'node:net';
import { FrameDecoder } from '../../src/main/card/virtual/vpcd-link';

/**
 * A stand-in for vpcd's listening side, for unit tests of the card side: real TCP on a free port,
 * writing each frame's length and payload in two writes as vpcd does.
 */
export interface FakeVpcd {
  readonly port: number;
  /** Resolves when a card connects (is inserted). */
  nextConnection(): Promise<Socket>;
  /** Sends one payload to the connected card and resolves with its reply payload. */
  exchange(socket: Socket, payload: Uint8Array): Promise<Uint8Array>;
  /** Sends a control code that gets no reply. */
  send(socket: Socket, payload: Uint8Array): void;
  close(): Promise<void>;
}

/** Listens on `port` (0 for any free port). */
export async function startFakeVpcd(port = 0): Promise<FakeVpcd> {
  const waiting: ((socket: Socket) => void)[] = [];
  const queued: Socket[] = [];
  const sockets = new Set<Socket>();
  const decoders = new Map<
    Socket,
    { decoder: FrameDecoder; replies: ((p: Uint8Array) => void)[] }
  >();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    const entry = { decoder: new FrameDecoder(), replies: [] as ((p: Uint8Array) => void)[] };
    decoders.set(socket, entry);
    socket.on('data', (chunk) => {
      for (const frame of entry.decoder.push(chunk)) entry.replies.shift()?.(frame);
    });
    const waiter = waiting.shift();
    if (waiter !== undefined) waiter(socket);
    else queued.push(socket);
  });
  await new Promise<void>((resolve) => server.listen({ port, host: '127.0.0.1' }, resolve));
  const address = server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  const writeFrame = (socket: Socket, payload: Uint8Array): void => {
    socket.write(Uint8Array.of(payload.length >> 8, payload.length & 0xff));
    socket.write(payload);
  };
  return {
    port: bound,
    nextConnection: () =>
      new Promise((resolve) => {
        const socket = queued.shift();
        if (socket !== undefined) resolve(socket);
        else waiting.push(resolve);
      }),
    exchange: (socket, payload) =>
      new Promise((resolve) => {
        decoders.get(socket)!.replies.push(resolve);
        writeFrame(socket, payload);
      }),
    send: writeFrame,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
