import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReaderEvent } from '../../../src/main/card/types';
import { ECHO_CARD_ATR } from '../../support/echo-card';
import { startCardStack, type CardStack } from '../../support/card-stack';
import { pcscSkipReason } from '../../support/pcscd';
import { inserted, removed } from '../../support/reader-events';
import { CARD_LINES } from '../../support/virtual-card-process';

const skip = pcscSkipReason();

/**
 * The backend's `onEventReported` hook, which bench/client uses to start its clock where the
 * PC/SC status wait returned in the worker. (In its own file: libpcsclite reads pcscd's socket
 * name once per process, so this stack cannot share a process with another.)
 */
describe.skipIf(skip !== undefined)('the PC/SC backend’s event report hook', () => {
  let stack: CardStack;
  const reported: { event: ReaderEvent; reportedAt: number; listenersHadIt: boolean }[] = [];

  beforeAll(async () => {
    stack = await startCardStack({
      onEventReported: (event, reportedAt) => {
        const listenersHadIt = stack?.events.events.includes(event) ?? false;
        reported.push({ event, reportedAt, listenersHadIt });
      },
    });
  });

  afterAll(async () => {
    await stack?.dispose();
  });

  it('when a card goes in and comes out, then the hook gets each event first, stamped when the worker saw it', async () => {
    const { events, pcscd } = stack;
    const reader = pcscd.readerNames[0];
    const since = events.mark();
    const before = performance.timeOrigin + performance.now();
    const card = stack.spawnEchoCard(pcscd.ports[0]);
    const insertion = await events.waitFor(inserted(reader), since);
    const seen = performance.timeOrigin + performance.now();

    const hooked = reported.find((r) => r.event.kind === 'card-inserted');
    expect(hooked?.event).toEqual({ kind: 'card-inserted', reader, atr: ECHO_CARD_ATR });
    // The same event object the listeners got, handed to the hook before them.
    expect(hooked?.event).toBe(insertion);
    expect(hooked?.listenersHadIt).toBe(false);
    // Stamped in the worker between the card's start and this thread seeing the event.
    expect(hooked?.reportedAt).toBeGreaterThanOrEqual(before);
    expect(hooked?.reportedAt).toBeLessThanOrEqual(seen);

    const beforeRemoval = events.mark();
    card.send('remove');
    await card.waitForLine(CARD_LINES.removed);
    await events.waitFor(removed(reader), beforeRemoval);
    expect(reported.some((r) => r.event.kind === 'card-removed')).toBe(true);
    await card.stop();
  });
});
