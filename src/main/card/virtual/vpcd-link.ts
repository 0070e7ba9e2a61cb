import { Socket } from 'node:net';

/**
 * The card side of pcscd's vpcd driver: a TCP client to 127.0.0.1 (connect = insert, close =
 * remove); messages are a 2-byte length and a payload, 1 byte a control code, longer a command
 * APDU.
 */

/** The virtual card as vpcd needs it: an ATR and a function from command APDU to response APDU. */
export interface VpcdCard {
  readonly atr: Uint8Array;
  process(command: Uint8Array): Uint8Array;
  /** Called on power off and reset, so the card forgets its volatile state (selection, verified passcode). */
  reset?(): void;
}

/** vpcd's control codes (1-byte payloads). */
export const VPCD_CONTROL = { powerOff: 0x00, powerOn: 0x01, reset: 0x02, getAtr: 0x04 } as const;

/** The vpcd port of the first virtual reader in Debian's configuration (`Virtual PCD 00 00`). */
export const VPCD_DEFAULT_PORT = 35963;

/** A frame payload can be at most 0xFFFF bytes: the length prefix has two bytes. */
const VPCD_MAX_PAYLOAD = 0xffff;

/** Prefixes a payload with its 2-byte big-endian length. */
export function encodeFrame(payload: Uint8Array): Uint8Array {
  if (payload.length > VPCD_MAX_PAYLOAD) {
    throw new RangeError(
      `A vpcd frame holds at most ${VPCD_MAX_PAYLOAD} bytes, not ${payload.length}`,
    );
  }
  const frame = new Uint8Array(payload.length + 2);
  frame[0] = payload.length >> 8;
  frame[1] = payload.length & 0xff;
  frame.set(payload, 2);
  return frame;
}

/**
 * Reassembles frames from a TCP byte stream. vpcd writes the length and the payload separately,
 * so a chunk may hold half a length, a length alone, or several frames.
 */
export class FrameDecoder {
  private buffered: Uint8Array = new Uint8Array(0);

  /** Adds received bytes and returns every frame they complete, in order. */
  push(chunk: Uint8Array): Uint8Array[] {
    const joined = new Uint8Array(this.buffered.length + chunk.length);
    joined.set(this.buffered, 0);
    joined.set(chunk, this.buffered.length);
    const frames: Uint8Array[] = [];
    let offset = 0;
    while (joined.length - offset >= 2) {
      const length = (joined[offset]! << 8) | joined[offset + 1]!;
      if (joined.length - offset - 2 < length) break;
      frames.push(joined.slice(offset + 2, offset + 2 + length));
      offset += 2 + length;
    }
    this.buffered = joined.slice(offset);
    return frames;
  }

  /** Bytes received that do not yet form a whole frame. */
  get pending(): number {
    return this.buffered.length;
  }
}

/** What the card answers to one vpcd payload: the reply payload, or nothing (control codes). */
export function answerPayload(card: VpcdCard, payload: Uint8Array): Uint8Array | undefined {
  if (payload.length === 1) {
    const code: number = payload[0] ?? -1;
    switch (code) {
      case VPCD_CONTROL.powerOff:
      case VPCD_CONTROL.reset:
        card.reset?.();
        return undefined;
      case VPCD_CONTROL.powerOn:
        return undefined;
      case VPCD_CONTROL.getAtr:
        return card.atr;
      default:
        return undefined;
    }
  }
  if (payload.length < 4) {
    // Shorter than a command header: answer "wrong length" rather than let the card guess.
    return Uint8Array.of(0x67, 0x00);
  }
  try {
    return card.process(payload);
  } catch {
    // A card never goes silent on a command: vpcd would wait for ever and hang the reader.
    return Uint8Array.of(0x6f, 0x00);
  }
}

/** The link's state: whether the card should be in the reader, and whether it is. */
type VpcdLinkState = 'removed' | 'connecting' | 'inserted' | 'closed';

/** One line of progress for people and for tests that wait on it. */
export type VpcdLinkNotice =
  | { readonly kind: 'inserted'; readonly port: number }
  | { readonly kind: 'removed'; readonly port: number }
  | { readonly kind: 'waiting'; readonly port: number; readonly reason: string }
  | { readonly kind: 'lost'; readonly port: number };

/** How to reach vpcd and how patiently to retry. */
interface VpcdLinkOptions {
  readonly card: VpcdCard;
  readonly port?: number;
  /** First retry delay when vpcd is not listening; doubles up to `maxRetryDelayMs`. */
  readonly retryDelayMs?: number;
  readonly maxRetryDelayMs?: number;
  readonly onNotice?: (notice: VpcdLinkNotice) => void;
}

/** Describes a notice as the one line the CLI prints. */
export function describeNotice(notice: VpcdLinkNotice): string {
  switch (notice.kind) {
    case 'inserted':
      return `Card inserted: connected to vpcd on 127.0.0.1:${notice.port}.`;
    case 'removed':
      return `Card removed from the reader on 127.0.0.1:${notice.port}.`;
    case 'waiting':
      return `Waiting for vpcd on 127.0.0.1:${notice.port} (${notice.reason}). Is pcscd running with vsmartcard-vpcd? Retrying.`;
    case 'lost':
      return `vpcd on 127.0.0.1:${notice.port} closed the connection (pcscd stopped?). Reconnecting.`;
  }
}

/**
 * Keeps a virtual card connected to vpcd while it is inserted: reconnects when vpcd is not there
 * yet or goes away (pcscd restarted), answers every frame, and closes the socket on removal.
 */
export class VpcdLink {
  private readonly card: VpcdCard;
  private readonly port: number;
  private readonly retryDelayMs: number;
  private readonly maxRetryDelayMs: number;
  private readonly notify: (notice: VpcdLinkNotice) => void;
  private socket: Socket | undefined;
  private wanted = false;
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private nextDelay: number;
  private lastWaitingReason: string | undefined;
  private current: VpcdLinkState = 'removed';

  constructor(options: VpcdLinkOptions) {
    this.card = options.card;
    this.port = options.port ?? VPCD_DEFAULT_PORT;
    this.retryDelayMs = options.retryDelayMs ?? 200;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 2000;
    this.nextDelay = this.retryDelayMs;
    this.notify = options.onNotice ?? (() => undefined);
  }

  /** The link's state now. */
  get state(): VpcdLinkState {
    return this.current;
  }

  /** Inserts the card: connects to vpcd, retrying until it is there. */
  insert(): void {
    if (this.closed || this.wanted) return;
    this.wanted = true;
    this.nextDelay = this.retryDelayMs;
    this.lastWaitingReason = undefined;
    this.connect();
  }

  /** Removes the card: closes the connection, which vpcd reports as a removal. */
  async remove(): Promise<void> {
    if (!this.wanted) return;
    this.wanted = false;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const socket = this.socket;
    this.socket = undefined;
    const wasInserted = this.current === 'inserted';
    this.current = this.closed ? 'closed' : 'removed';
    if (socket !== undefined) await endSocket(socket);
    if (wasInserted) this.notify({ kind: 'removed', port: this.port });
  }

  /** Removes the card and stops for good. */
  async close(): Promise<void> {
    this.closed = true;
    await this.remove();
    this.current = 'closed';
  }

  private connect(): void {
    if (!this.wanted || this.closed) return;
    this.current = 'connecting';
    const socket = new Socket();
    const decoder = new FrameDecoder();
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('connect', () => {
      if (this.socket !== socket) return;
      this.current = 'inserted';
      this.nextDelay = this.retryDelayMs;
      this.lastWaitingReason = undefined;
      this.notify({ kind: 'inserted', port: this.port });
    });
    socket.on('data', (chunk: Buffer) => {
      for (const payload of decoder.push(chunk)) {
        const reply = answerPayload(this.card, payload);
        if (reply !== undefined && !socket.destroyed) socket.write(encodeFrame(reply));
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (this.socket !== socket) return;
      if (this.current === 'connecting') this.waiting(error.code ?? error.message);
    });
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      if (this.current === 'inserted') {
        this.notify({ kind: 'lost', port: this.port });
        this.nextDelay = this.retryDelayMs;
      }
      this.current = 'connecting';
      this.scheduleRetry();
    });
    socket.connect({ host: '127.0.0.1', port: this.port });
  }

  private waiting(reason: string): void {
    // One line per distinct reason: a patient retry loop must not flood the terminal.
    if (reason !== this.lastWaitingReason) {
      this.lastWaitingReason = reason;
      this.notify({ kind: 'waiting', port: this.port, reason });
    }
  }

  private scheduleRetry(): void {
    if (!this.wanted || this.closed) return;
    clearTimeout(this.retryTimer);
    const delay = this.nextDelay;
    this.nextDelay = Math.min(this.nextDelay * 2, this.maxRetryDelayMs);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.connect();
    }, delay);
  }
}

function endSocket(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) {
      resolve();
      return;
    }
    socket.once('close', () => resolve());
    socket.end();
    // vpcd may be blocked mid-exchange and never finish the close handshake: do not wait on it.
    setTimeout(() => socket.destroy(), 500).unref();
  });
}
