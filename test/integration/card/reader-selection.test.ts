import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectReader } from '../../../src/main/card/reader-selection';
import type { ReaderInfo } from '../../../src/main/card/types';
import { startCardStack, type CardStack } from '../../support/card-stack';
import { pcscSkipReason } from '../../support/pcscd';
import { inserted, removed } from '../../support/reader-events';

const skip = pcscSkipReason();

describe.skipIf(skip !== undefined)('choosing between two vpcd readers on a real pcscd', () => {
  let stack: CardStack;

  const readers = async (): Promise<readonly ReaderInfo[]> => {
    const listed = await stack.backend.listReaders();
    if (!listed.ok) throw new Error(JSON.stringify(listed.error));
    return listed.value;
  };

  beforeAll(async () => {
    stack = await startCardStack();
  });

  afterAll(async () => {
    await stack?.dispose();
  });

  it('asks when both readers hold a card, takes the configured one, and takes the only card left after a removal', async () => {
    const { events, pcscd } = stack;
    const [first, second] = pcscd.readerNames;
    const since = events.mark();
    const firstCard = stack.spawnEchoCard(pcscd.ports[0]);
    stack.spawnEchoCard(pcscd.ports[1]);
    await events.waitFor(inserted(first), since);
    await events.waitFor(inserted(second), since);

    expect(selectReader(await readers())).toEqual({
      ok: false,
      error: { code: 'reader-choice-needed', candidates: [first, second] },
    });
    expect(selectReader(await readers(), second)).toMatchObject({
      ok: true,
      value: { name: second },
    });

    const beforeRemoval = events.mark();
    firstCard.send('remove');
    await events.waitFor(removed(first), beforeRemoval);
    expect(selectReader(await readers())).toMatchObject({ ok: true, value: { name: second } });
    expect(selectReader(await readers(), first)).toMatchObject({
      ok: true,
      value: { name: first, hasCard: false },
    });
  });
});
