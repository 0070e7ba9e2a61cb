import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPcscBackend } from '../../../../../src/main/card/pcsc/pcsc-backend';
import { PivClient } from '../../../../../src/main/card/piv-client';
import type { CardChannel, ReaderBackend, ReaderEvent } from '../../../../../src/main/card/types';

// Each test starts a worker thread, which compiles the worker's TypeScript with tsx: seconds on a
// busy two-core machine, so these tests get more room than the unit default.
const WORKER_TIMEOUT = { timeout: 30_000 };

describe('createPcscBackend', WORKER_TIMEOUT, () => {
  it('returns a typed error, not an exception, when the PC/SC binding is missing', async () => {
    const created = await createPcscBackend({
      bindingModule: 'smartcard-binding-that-is-not-installed',
    });
    expect(created.ok).toBe(false);
    if (created.ok) return;
    expect(created.error.code).toBe('pcsc-binding-missing');
    expect(created.error.message).toMatch(/PC\/SC binding/);
    expect(created.error.detail).toMatch(/smartcard-binding-that-is-not-installed/);
  });

  it('returns a typed error when the module loaded is not the binding', async () => {
    const created = await createPcscBackend({ bindingModule: 'node:path' });
    expect(created).toMatchObject({ ok: false, error: { code: 'pcsc-binding-missing' } });
  });
});

describe('the PC/SC backend when its worker dies', WORKER_TIMEOUT, () => {
  it('says service-down to listeners and answers io errors instead of hanging', async () => {
    const binding = pathToFileURL(
      fileURLToPath(new URL('../../../../support/crashing-binding.mjs', import.meta.url)),
    ).href;
    const created = await createPcscBackend({ bindingModule: binding });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    const backend = created.value;
    const down = new Promise<ReaderEvent>((resolve) => backend.onEvent(resolve));
    expect(await down).toEqual({ kind: 'service-down' });
    expect(await backend.listReaders()).toMatchObject({ ok: false, error: { code: 'io' } });
    expect(await backend.connect('Any reader')).toMatchObject({ ok: false, error: { code: 'io' } });
    await backend.close();
  });
});

describe('the PC/SC backend transmit path (a stand-in binding, no pcscd)', WORKER_TIMEOUT, () => {
  const binding = pathToFileURL(fileURLToPath(new URL('./fake-binding.mjs', import.meta.url))).href;
  const READER = 'Fake Reader 00 00';
  const echo = (...data: number[]): Uint8Array =>
    Uint8Array.of(0x00, 0x01, 0, 0, data.length, ...data);
  let backend: ReaderBackend;

  async function start(): Promise<ReaderBackend> {
    const created = await createPcscBackend({ bindingModule: binding });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    return created.value;
  }

  async function connect(on: ReaderBackend): Promise<CardChannel> {
    const channel = await on.connect(READER);
    if (!channel.ok) throw new Error(JSON.stringify(channel.error));
    return channel.value;
  }

  beforeAll(async () => {
    backend = await start();
  });

  afterAll(async () => {
    await backend?.close();
  });

  it('when the monitor has seen the card, then a connect reuses the readers listed before instead of listing them again', async () => {
    const lists = async (channel: CardChannel): Promise<number> => {
      const reply = await channel.transmit(Uint8Array.of(0x00, 0x4c, 0, 0));
      if (!reply.ok) throw new Error(JSON.stringify(reply.error));
      return reply.value[0]!;
    };
    const fresh = await start();
    try {
      // The app lists the readers first; the monitor (on a context of its own) has seen the card.
      expect(await fresh.listReaders()).toMatchObject({ ok: true, value: [{ hasCard: true }] });
      const first = await connect(fresh);
      const second = await connect(fresh);
      const third = await connect(fresh);
      expect(await lists(first)).toBe(1);
      expect(await lists(third)).toBe(1);
      await Promise.all([first.close(), second.close(), third.close()]);
    } finally {
      await fresh.close();
    }
  });

  it('answers commands sent together one by one, each with its own response', async () => {
    const channel = await connect(backend);
    const replies = await Promise.all([1, 2, 3].map((n) => channel.transmit(echo(n, n))));
    expect(replies).toEqual(
      [1, 2, 3].map((n) => ({ ok: true, value: Uint8Array.of(n, n, 0x90, 0x00) })),
    );
    await channel.close();
  });

  it('answers a command in flight when its channel is closed, and refuses commands after', async () => {
    const channel = await connect(backend);
    const hanging = channel.transmit(Uint8Array.of(0x00, 0xdd, 0, 0));
    await channel.close();
    expect(await hanging).toEqual({
      ok: false,
      error: { code: 'io', detail: 'the connection is closed' },
    });
    expect(await channel.transmit(echo(1))).toMatchObject({ ok: false, error: { code: 'io' } });
    const other = await connect(backend);
    expect(await other.transmit(echo(7))).toEqual({ ok: true, value: Uint8Array.of(7, 0x90, 0) });
    await other.close();
  });

  it('answers a command in flight with an io error, not a hang, when the worker dies', async () => {
    const dying = await start();
    const channel = await connect(dying);
    const down = new Promise<ReaderEvent>((resolve) => dying.onEvent(resolve));
    const reply = await channel.transmit(Uint8Array.of(0x00, 0xee, 0, 0));
    expect(reply).toMatchObject({ ok: false, error: { code: 'io' } });
    expect(await down).toEqual({ kind: 'service-down' });
    expect(await channel.transmit(echo(1))).toMatchObject({ ok: false, error: { code: 'io' } });
    await dying.close();
    expect(await channel.transmit(echo(1))).toMatchObject({ ok: false, error: { code: 'io' } });
  });
});

describe('PIV operations run in the worker (a stand-in binding, no pcscd)', WORKER_TIMEOUT, () => {
  const binding = pathToFileURL(fileURLToPath(new URL('./fake-binding.mjs', import.meta.url))).href;
  const READER = 'Fake Reader 00 00';
  const unblock = { puk: '12345678', unconfirmedPuk: null, nextPuk: '87654321', passcode: '2468' };

  async function open(): Promise<{ backend: ReaderBackend; channel: CardChannel }> {
    const created = await createPcscBackend({ bindingModule: binding });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    const channel = await created.value.connect(READER);
    if (!channel.ok) throw new Error(JSON.stringify(channel.error));
    return { backend: created.value, channel: channel.value };
  }

  /** The channel with its transmit counted: a PIV client that ran APDUs here would use it. */
  function counted(channel: CardChannel): { channel: CardChannel; transmits: () => number } {
    let transmits = 0;
    return {
      channel: {
        ...channel,
        transmit: (command) => {
          transmits += 1;
          return channel.transmit(command);
        },
      },
      transmits: () => transmits,
    };
  }

  it('runs a verify with its tries read, and the whole unblock, there: no APDU crosses', async () => {
    const { backend, channel } = await open();
    const { channel: watched, transmits } = counted(channel);
    const client = new PivClient(watched);
    expect(await client.verifyPasscode('000000')).toEqual({
      ok: false,
      error: { code: 'passcode-wrong', triesLeft: 2, statusWord: 0x63c2 },
    });
    const steps: string[] = [];
    expect(await client.unblock(unblock, (step) => steps.push(step))).toEqual({ done: 'verified' });
    expect(steps).toEqual(['puk-rotated', 'passcode-reset']);
    // The card kept the new PUK: rotating from the old one is now refused.
    expect(await client.changePuk('12345678', '11112222')).toMatchObject({
      ok: false,
      error: { code: 'puk-wrong' },
    });
    expect(await client.passcodeStatus()).toEqual({
      ok: true,
      value: { blocked: false, triesLeft: 3 },
    });
    expect(transmits()).toBe(0);
    await channel.close();
    await backend.close();
  });

  it('answers an operation the worker refuses as malformed with an io error, not a hang', async () => {
    const { backend, channel } = await open();
    const operation = { op: 'verifyPasscode', passcode: 'nine chars' } as const;
    expect(await channel.runPiv?.(operation, { passcodeTriesWhenVerified: 3 })).toEqual({
      ok: false,
      error: { code: 'io', detail: 'the PC/SC worker refused a malformed request' },
    });
    await backend.close();
  });

  it('when the worker dies after the PUK rotated, then the unblock says so with an io error', async () => {
    const { backend, channel } = await open();
    const steps: string[] = [];
    const outcome = await new PivClient(channel).unblock(
      { ...unblock, passcode: 'crash!' },
      (step) => steps.push(step),
    );
    expect(outcome).toMatchObject({ done: 'puk-rotated', error: { code: 'io' } });
    expect(steps).toEqual(['puk-rotated']);
    await backend.close();
  });

  it('answers an operation in flight when its channel is closed, and refuses operations after', async () => {
    const { backend, channel } = await open();
    const client = new PivClient(channel);
    let rotated: () => void = () => undefined;
    const heard = new Promise<void>((resolve) => (rotated = resolve));
    const hanging = client.unblock({ ...unblock, passcode: 'hang!' }, rotated);
    await heard;
    await channel.close();
    expect(await hanging).toEqual({
      done: 'puk-rotated',
      error: { code: 'io', detail: 'the connection is closed' },
    });
    expect(await client.passcodeStatus()).toMatchObject({ ok: false, error: { code: 'io' } });
    await backend.close();
  });
});
