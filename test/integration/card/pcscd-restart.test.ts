import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INS_ECHO } from '../../support/echo-card';
import { startCardStack, type CardStack } from '../../support/card-stack';
import { pcscSkipReason } from '../../support/pcscd';
import { inserted, removed } from '../../support/reader-events';
import { CARD_LINES } from '../../support/virtual-card-process';

const skip = pcscSkipReason();

describe.skipIf(skip !== undefined)('the PC/SC backend when pcscd stops and starts again', () => {
  let stack: CardStack;

  beforeAll(async () => {
    stack = await startCardStack();
  });

  afterAll(async () => {
    await stack?.dispose();
  });

  it('says service-down while pcscd is stopped, then recovers by itself and works with the card again', async () => {
    const { backend, events, pcscd } = stack;
    const reader = pcscd.readerNames[0];
    const start = events.mark();
    const card = stack.spawnEchoCard(pcscd.ports[0]);
    await events.waitFor(inserted(reader), start);
    const before = await backend.connect(reader);
    if (!before.ok) throw new Error(JSON.stringify(before.error));

    const beforeStop = events.mark();
    const cardMark = card.mark();
    await pcscd.stop();
    await events.waitFor((e) => e.kind === 'service-down', beforeStop);
    const whileStopping = events.events.slice(beforeStop);
    const removal = whileStopping.findIndex(removed(reader));
    // The card is reported gone before the service, so no listener keeps a card of a dead service.
    expect(removal).toBeGreaterThanOrEqual(0);
    expect(removal).toBeLessThan(whileStopping.findIndex((e) => e.kind === 'service-down'));
    expect(await backend.listReaders()).toMatchObject({
      ok: false,
      error: { code: 'service-down' },
    });
    expect(await backend.connect(reader)).toMatchObject({
      ok: false,
      error: { code: 'service-down' },
    });
    expect(await before.value.transmit(Uint8Array.of(0, INS_ECHO, 0, 0, 1, 1))).toMatchObject({
      ok: false,
      error: { code: 'service-down' },
    });
    await card.waitForLine(CARD_LINES.lost, cardMark);

    const beforeStart = events.mark();
    await pcscd.start();
    await events.waitFor((e) => e.kind === 'service-up', beforeStart);
    await events.waitFor(inserted(reader), beforeStart);
    const after = await backend.connect(reader);
    if (!after.ok) throw new Error(JSON.stringify(after.error));
    expect(await after.value.transmit(Uint8Array.of(0, INS_ECHO, 0, 0, 2, 4, 2))).toEqual({
      ok: true,
      value: Uint8Array.of(4, 2, 0x90, 0x00),
    });
    await after.value.close();
    await before.value.close();
  });
});
