import type { CardError, CardResult } from '../types';
import {
  cardErrorSchema,
  LANE_BYTES,
  LANE_HEADER_BYTES,
  MAX_COMMAND_BYTES,
  MAX_RESPONSE_BYTES,
} from './protocol';

/**
 * The transmit lane: one command APDU at a time between the caller's thread and the PC/SC worker,
 * through a SharedArrayBuffer per open card, with Atomics to wake the other side. It replaces a
 * postMessage request and reply per APDU (each a structured clone, an event dispatch and a zod
 * parse on either side) on the path every APDU takes; everything else still goes by message.
 *
 * Layout: two int32 (state, byte length) and then the bytes: the command, the response, or a
 * failure as UTF-8 JSON. Only the side whose turn it is writes: the caller in `idle`, the worker in
 * `request`. Atomics.store of the state comes after the bytes, so the other side, which reads the
 * state with Atomics.load first, sees them whole. Neither side blocks its thread: both wait with
 * Atomics.waitAsync, which wakes the event loop like a message does.
 *
 * Both ends check what they read as strictly as the zod schemas of the messages did, and more: a
 * command must be 1 to 65544 bytes (an extended APDU at most), a response 2 (the status word) to
 * 65538 bytes, a failure must parse as JSON and then with `cardErrorSchema`; anything else in the
 * state word is an `io` error.
 */

const STATE = 0;
const LENGTH = 1;
const DATA_OFFSET = LANE_HEADER_BYTES;

/** Whose turn it is, in the lane's state word. */
const State = { idle: 0, request: 1, response: 2, failed: 3 } as const;

type WaitAsyncResult =
  | { readonly async: false; readonly value: 'not-equal' | 'timed-out' }
  | { readonly async: true; readonly value: Promise<'ok' | 'timed-out'> };
type WaitAsync = (array: Int32Array, index: number, value: number) => WaitAsyncResult;

// ES2024, in Node 16+ and Electron; the project's type library stops at ES2023.
const waitAsync = (Atomics as unknown as { readonly waitAsync: WaitAsync }).waitAsync;

/** Resolves when the lane's state is no longer `value` (or someone notified, which is rechecked). */
function changeFrom(header: Int32Array, value: number): Promise<unknown> | undefined {
  const wait = waitAsync(header, STATE, value);
  return wait.async ? wait.value : undefined;
}

/** A new lane's memory, for the caller to hand the worker with the connect request. */
export function createLaneBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(LANE_BYTES);
}

function ioError(detail: string): CardError {
  return { code: 'io', detail };
}

/** The caller's end of a lane: sends commands one at a time and reads the replies. */
export class LaneCaller {
  private readonly header: Int32Array;
  private readonly data: Uint8Array;
  private tail: Promise<unknown> = Promise.resolve();
  private abandoned: CardError | undefined;

  constructor(buffer: SharedArrayBuffer) {
    this.header = new Int32Array(buffer, 0, 2);
    this.data = new Uint8Array(buffer, DATA_OFFSET);
  }

  /**
   * Sends one command and resolves with the worker's reply. Commands are queued here, so the
   * worker sees one at a time, in order: APDU exchanges are stateful (chaining, GET RESPONSE).
   */
  exchange(command: Uint8Array): Promise<CardResult<Uint8Array>> {
    const result = this.tail.then(() => this.send(command));
    this.tail = result;
    return result;
  }

  /** Ends the wait of a command in flight, and fails later ones: the worker is gone. */
  abandon(error: CardError): void {
    this.abandoned ??= error;
    Atomics.notify(this.header, STATE);
  }

  private async send(command: Uint8Array): Promise<CardResult<Uint8Array>> {
    if (this.abandoned !== undefined) return { ok: false, error: this.abandoned };
    if (command.length === 0 || command.length > MAX_COMMAND_BYTES) {
      return { ok: false, error: ioError(`a command APDU of ${command.length} bytes`) };
    }
    this.data.set(command);
    this.header[LENGTH] = command.length;
    Atomics.store(this.header, STATE, State.request);
    Atomics.notify(this.header, STATE);
    while (Atomics.load(this.header, STATE) === State.request) {
      if (this.abandoned !== undefined) return { ok: false, error: this.abandoned };
      await changeFrom(this.header, State.request);
    }
    const length = Atomics.load(this.header, LENGTH);
    const reply = readReply(Atomics.load(this.header, STATE), length, this.data);
    // The lane lives as long as the channel: a passcode in a VERIFY must not stay in it.
    this.data.fill(0, 0, Math.min(Math.max(command.length, length), this.data.length));
    Atomics.store(this.header, STATE, State.idle);
    return reply;
  }
}

/** The reply in the lane, checked: a response of 2 to 65538 bytes or a well-formed card error. */
function readReply(state: number, length: number, data: Uint8Array): CardResult<Uint8Array> {
  if (state === State.response) {
    if (length < 2 || length > MAX_RESPONSE_BYTES) {
      return { ok: false, error: ioError(`the PC/SC worker sent a response of ${length} bytes`) };
    }
    return { ok: true, value: data.slice(0, length) };
  }
  if (state === State.failed && length >= 0 && length <= data.length) {
    let json: unknown;
    try {
      // A copy: TextDecoder may refuse a view of shared memory.
      json = JSON.parse(new TextDecoder().decode(data.slice(0, length)));
    } catch {
      json = undefined;
    }
    const error = cardErrorSchema.safeParse(json);
    if (error.success) return { ok: false, error: error.data };
  }
  return { ok: false, error: ioError(`the PC/SC worker left the transmit lane in state ${state}`) };
}

/** The worker's end of a lane: waits for commands and writes the replies. */
export class LaneServer {
  private readonly header: Int32Array;
  private readonly data: Uint8Array;
  private closed = false;

  constructor(buffer: SharedArrayBuffer) {
    this.header = new Int32Array(buffer, 0, 2);
    this.data = new Uint8Array(buffer, DATA_OFFSET);
  }

  /**
   * Waits for the next command and returns a copy of it, or undefined once the lane is closed. A
   * command of a length no APDU has is answered with an `io` error here, and never returned.
   */
  async next(): Promise<Uint8Array | undefined> {
    for (;;) {
      if (this.closed) return undefined;
      const state = Atomics.load(this.header, STATE);
      if (state === State.request) {
        const length = Atomics.load(this.header, LENGTH);
        if (length >= 1 && length <= MAX_COMMAND_BYTES) return this.data.slice(0, length);
        this.fail(ioError(`a command APDU of ${length} bytes`));
        continue;
      }
      await changeFrom(this.header, state);
    }
  }

  /** Answers the command with the card's response (data and status word). */
  respond(response: Uint8Array): void {
    if (response.length < 2 || response.length > MAX_RESPONSE_BYTES) {
      this.fail(ioError(`the card answered ${response.length} bytes`));
      return;
    }
    this.data.set(response);
    this.reply(State.response, response.length);
  }

  /** Answers the command with a card error. */
  fail(error: CardError): void {
    const bytes = new TextEncoder().encode(JSON.stringify(error));
    if (bytes.length > this.data.length) {
      this.fail(ioError('a card error too long to report'));
      return;
    }
    this.data.set(bytes);
    this.reply(State.failed, bytes.length);
  }

  /** Stops `next` (the card was disconnected); a command in flight is still answered. */
  close(): void {
    this.closed = true;
    Atomics.notify(this.header, STATE);
  }

  private reply(state: number, length: number): void {
    this.header[LENGTH] = length;
    Atomics.store(this.header, STATE, state);
    Atomics.notify(this.header, STATE);
  }
}
