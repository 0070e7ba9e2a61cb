import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ECHO_CARD_ATR, INS_ECHO, INS_PULL, INS_SLOW } from '../../support/echo-card';
import { startCardStack, type CardStack } from '../../support/card-stack';
import { pcscSkipReason } from '../../support/pcscd';
import { inserted, removed } from '../../support/reader-events';
import { CARD_LINES } from '../../support/virtual-card-process';

const skip = pcscSkipReason();

describe.skipIf(skip !== undefined)('the PC/SC backend on a real pcscd with vpcd', () => {
  let stack: CardStack;

  beforeAll(async () => {
    stack = await startCardStack();
  });

  afterAll(async () => {
    await stack?.dispose();
  });

  it('lists both vpcd readers, empty, when no card is inserted', async () => {
    const readers = await stack.backend.listReaders();
    expect(readers).toEqual({
      ok: true,
      value: [
        { name: stack.pcscd.readerNames[0], hasCard: false },
        { name: stack.pcscd.readerNames[1], hasCard: false },
      ],
    });
  });

  it('reports an insertion with the ATR, exchanges APDUs, then reports the removal', async () => {
    const { backend, events, pcscd } = stack;
    const reader = pcscd.readerNames[0];
    const since = events.mark();
    const card = stack.spawnEchoCard(pcscd.ports[0]);
    const insertion = await events.waitFor(inserted(reader), since);
    expect(insertion).toEqual({ kind: 'card-inserted', reader, atr: ECHO_CARD_ATR });
    expect(await backend.listReaders()).toMatchObject({
      ok: true,
      value: [{ name: reader, hasCard: true, atr: ECHO_CARD_ATR }, { hasCard: false }],
    });

    const channel = await backend.connect(reader);
    if (!channel.ok) throw new Error(JSON.stringify(channel.error));
    expect(channel.value.atr).toEqual(ECHO_CARD_ATR);
    const response = await channel.value.transmit(Uint8Array.of(0x00, INS_ECHO, 0, 0, 3, 1, 2, 3));
    expect(response).toEqual({ ok: true, value: Uint8Array.of(1, 2, 3, 0x90, 0x00) });

    // While the card is busy, this thread keeps running: the binding works in the worker.
    let turns = 0;
    let spinning = true;
    const spin = (): void => {
      turns += 1;
      if (spinning) setImmediate(spin);
    };
    spin();
    const slow = await channel.value.transmit(Uint8Array.of(0x00, INS_SLOW, 0, 0));
    spinning = false;
    expect(slow).toEqual({ ok: true, value: Uint8Array.of(0x90, 0x00) });
    expect(turns).toBeGreaterThan(10);
    await channel.value.close();

    const beforeRemoval = events.mark();
    card.send('remove');
    await card.waitForLine(CARD_LINES.removed);
    await events.waitFor(removed(reader), beforeRemoval);
    const readers = await backend.listReaders();
    expect(readers.ok && readers.value.every((r) => !r.hasCard)).toBe(true);

    const beforeReinsertion = events.mark();
    card.send('insert');
    await events.waitFor(inserted(reader), beforeReinsertion);
    await card.stop();
    await events.waitFor(removed(reader), beforeReinsertion);
  });

  it('says card-removed when the card is pulled in the middle of a command, and for every command after', async () => {
    const { backend, events, pcscd } = stack;
    const reader = pcscd.readerNames[0];
    const since = events.mark();
    const card = stack.spawnEchoCard(pcscd.ports[0]);
    await events.waitFor(inserted(reader), since);
    const channel = await backend.connect(reader);
    if (!channel.ok) throw new Error(JSON.stringify(channel.error));

    const pulled = await channel.value.transmit(Uint8Array.of(0x00, INS_PULL, 0, 0));
    expect(pulled).toMatchObject({ ok: false, error: { code: 'card-removed' } });
    await card.waitForLine(CARD_LINES.pulled);
    const after = await channel.value.transmit(Uint8Array.of(0x00, INS_ECHO, 0, 0, 1, 7));
    expect(after).toMatchObject({ ok: false, error: { code: 'card-removed' } });
    await events.waitFor(removed(reader), since);
    await channel.value.close();
  });

  it('answers card-absent for an empty reader and reader-missing for an unknown one', async () => {
    expect(await stack.backend.connect(stack.pcscd.readerNames[1])).toMatchObject({
      ok: false,
      error: { code: 'card-absent' },
    });
    expect(await stack.backend.connect('No Such Reader 00 00')).toMatchObject({
      ok: false,
      error: { code: 'reader-missing' },
    });
  });
});
