import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  LANE_HEADER_BYTES,
  MAX_COMMAND_BYTES,
  MAX_RESPONSE_BYTES,
} from '../../../../../src/main/card/pcsc/protocol';
import {
  createLaneBuffer,
  LaneCaller,
  LaneServer,
} from '../../../../../src/main/card/pcsc/transmit-lane';

// Both ends in one thread: Atomics.waitAsync is woken by a notify from the same thread too, so the
// lane's protocol is tested here without a worker (the integration tests run it across threads).

const SW_OK = Uint8Array.of(0x90, 0x00);

function lane(): { caller: LaneCaller; server: LaneServer; buffer: SharedArrayBuffer } {
  const buffer = createLaneBuffer();
  return { caller: new LaneCaller(buffer), server: new LaneServer(buffer), buffer };
}

/** Plays a worker that has gone wrong: writes a reply of its own making into the lane. */
function forgeReply(
  buffer: SharedArrayBuffer,
  state: number,
  bytes: Uint8Array,
  length = bytes.length,
): void {
  new Uint8Array(buffer, LANE_HEADER_BYTES).set(bytes);
  const header = new Int32Array(buffer, 0, 2);
  header[1] = length;
  Atomics.store(header, 0, state);
  Atomics.notify(header, 0);
}

describe('the transmit lane', () => {
  it('carries a command to the worker and its response back', async () => {
    const { caller, server } = lane();
    const reply = caller.exchange(Uint8Array.of(0x00, 0x20, 0x00, 0x80));
    expect(await server.next()).toEqual(Uint8Array.of(0x00, 0x20, 0x00, 0x80));
    server.respond(Uint8Array.of(0x63, 0xc3));
    expect(await reply).toEqual({ ok: true, value: Uint8Array.of(0x63, 0xc3) });
  });

  it('leaves no command bytes (a passcode) and no response in the shared memory after an exchange', async () => {
    const { caller, server, buffer } = lane();
    const verify = Uint8Array.of(
      0x00,
      0x20,
      0x00,
      0x80,
      0x08,
      0x31,
      0x32,
      0x33,
      0x34,
      0xff,
      0xff,
      0xff,
      0xff,
    );
    const reply = caller.exchange(verify);
    await server.next();
    server.respond(SW_OK);
    await reply;
    expect(new Uint8Array(buffer, LANE_HEADER_BYTES).every((byte) => byte === 0)).toBe(true);
  });

  it('hands the caller a copy that later commands do not overwrite', async () => {
    const { caller, server } = lane();
    const first = caller.exchange(Uint8Array.of(1, 2, 3, 4));
    await server.next();
    server.respond(Uint8Array.of(0xaa, 0x90, 0x00));
    const firstReply = await first;
    const second = caller.exchange(Uint8Array.of(5, 6, 7, 8));
    await server.next();
    server.respond(Uint8Array.of(0xbb, 0x90, 0x00));
    await second;
    expect(firstReply).toEqual({ ok: true, value: Uint8Array.of(0xaa, 0x90, 0x00) });
  });

  it('round-trips any command and response of an APDU length, byte for byte', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 300 }),
        fc.uint8Array({ minLength: 2, maxLength: 300 }),
        async (command, response) => {
          const { caller, server } = lane();
          const reply = caller.exchange(command);
          expect(await server.next()).toEqual(command);
          server.respond(response);
          expect(await reply).toEqual({ ok: true, value: response });
        },
      ),
      { numRuns: 100 },
    );
  });

  it('carries the longest extended command and the longest extended response', async () => {
    const { caller, server } = lane();
    const command = new Uint8Array(MAX_COMMAND_BYTES).map((_, i) => i % 251);
    const response = new Uint8Array(MAX_RESPONSE_BYTES).map((_, i) => i % 241);
    const reply = caller.exchange(command);
    const received = await server.next();
    expect(received && Buffer.from(received).equals(command)).toBe(true);
    server.respond(response);
    const result = await reply;
    expect(result.ok && Buffer.from(result.value).equals(response)).toBe(true);
  });

  it('delivers commands sent together one at a time, in order, each after the previous reply', async () => {
    const { caller, server } = lane();
    const replies = [1, 2, 3].map((n) => caller.exchange(Uint8Array.of(0, n, 0, 0)));
    const seen: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const command = await server.next();
      seen.push(command![1]!);
      server.respond(Uint8Array.of(command![1]!, 0x90, 0x00));
    }
    expect(seen).toEqual([1, 2, 3]);
    expect(await Promise.all(replies)).toEqual(
      [1, 2, 3].map((n) => ({ ok: true, value: Uint8Array.of(n, 0x90, 0x00) })),
    );
  });

  it('carries a card error back as the same typed error', async () => {
    const { caller, server } = lane();
    const reply = caller.exchange(Uint8Array.of(0, 0xb0, 0, 0));
    await server.next();
    server.fail({ code: 'card-removed', detail: 'The smart card has been removed' });
    expect(await reply).toEqual({
      ok: false,
      error: { code: 'card-removed', detail: 'The smart card has been removed' },
    });
  });

  it('refuses an empty or oversized command without troubling the worker', async () => {
    const { caller, server } = lane();
    expect(await caller.exchange(new Uint8Array(0))).toMatchObject({
      ok: false,
      error: { code: 'io' },
    });
    expect(await caller.exchange(new Uint8Array(MAX_COMMAND_BYTES + 1))).toMatchObject({
      ok: false,
      error: { code: 'io' },
    });
    const reply = caller.exchange(Uint8Array.of(0, 1, 2, 3));
    expect(await server.next()).toEqual(Uint8Array.of(0, 1, 2, 3));
    server.respond(SW_OK);
    expect(await reply).toEqual({ ok: true, value: SW_OK });
  });

  it('answers a response without a status word, or too long, as an io error from the worker side', async () => {
    const { caller, server } = lane();
    const short = caller.exchange(Uint8Array.of(0, 1, 2, 3));
    await server.next();
    server.respond(Uint8Array.of(0x90));
    expect(await short).toMatchObject({ ok: false, error: { code: 'io' } });
    const long = caller.exchange(Uint8Array.of(0, 1, 2, 3));
    await server.next();
    server.respond(new Uint8Array(MAX_RESPONSE_BYTES + 1));
    expect(await long).toMatchObject({ ok: false, error: { code: 'io' } });
  });

  it.each([
    ['a response of one byte', 2, Uint8Array.of(0x90)],
    ['a response longer than any APDU', 2, new Uint8Array(4), MAX_RESPONSE_BYTES + 1],
    ['a negative length', 2, SW_OK, -1],
    ['a failure that is not JSON', 3, new TextEncoder().encode('{nope')],
    ['a failure with an unknown code', 3, new TextEncoder().encode('{"code":"on-fire"}')],
    ['a failure with an extra field', 3, new TextEncoder().encode('{"code":"io","pin":"1234"}')],
    ['an unknown state', 7, SW_OK],
  ] as const)(
    'turns %s from the worker into an io error, never trusted',
    async (_, state, bytes, length?: number) => {
      const { caller, server, buffer } = lane();
      const reply = caller.exchange(Uint8Array.of(0, 1, 2, 3));
      await server.next();
      forgeReply(buffer, state, bytes, length);
      const result = await reply;
      expect(result).toMatchObject({ ok: false, error: { code: 'io' } });
      if (!result.ok) expect(result.error).not.toHaveProperty('pin');
    },
  );

  it('answers a command of an impossible length with an io error on the worker side and keeps serving', async () => {
    const { caller, server, buffer } = lane();
    const header = new Int32Array(buffer, 0, 2);
    header[1] = MAX_COMMAND_BYTES + 1;
    Atomics.store(header, 0, 1);
    const next = server.next();
    expect(Atomics.load(header, 0)).toBe(3);
    Atomics.store(header, 0, 0);
    const reply = caller.exchange(Uint8Array.of(0, 9, 0, 0));
    expect(await next).toEqual(Uint8Array.of(0, 9, 0, 0));
    server.respond(SW_OK);
    expect(await reply).toEqual({ ok: true, value: SW_OK });
  });

  it('ends a wait in flight and every later command once abandoned (the worker is gone)', async () => {
    const { caller, server } = lane();
    const inFlight = caller.exchange(Uint8Array.of(0, 1, 2, 3));
    const queued = caller.exchange(Uint8Array.of(0, 4, 5, 6));
    await server.next();
    caller.abandon({ code: 'io', detail: 'the PC/SC worker exited with code 1' });
    expect(await inFlight).toEqual({
      ok: false,
      error: { code: 'io', detail: 'the PC/SC worker exited with code 1' },
    });
    expect(await queued).toMatchObject({ ok: false, error: { code: 'io' } });
    expect(await caller.exchange(Uint8Array.of(0, 7, 8, 9))).toMatchObject({ ok: false });
  });

  it('stops the worker side waiting once closed', async () => {
    const { server } = lane();
    const next = server.next();
    server.close();
    expect(await next).toBeUndefined();
  });
});
