import { describe, expect, it } from 'vitest';
import { PivClient } from '../../../../../src/main/card/piv-client';
import type { ReaderEvent } from '../../../../../src/main/card/types';
import {
  MOCK_READER_NAME,
  MockReaderBackend,
} from '../../../../../src/main/card/virtual/mock-reader-backend';
import { makeCard } from '../support';

function setup(inserted = true) {
  const { card } = makeCard();
  const backend = new MockReaderBackend(card, MOCK_READER_NAME, { inserted });
  const events: ReaderEvent[] = [];
  backend.onEvent((event) => events.push(event));
  return { backend, card, events };
}

const connect = async (backend: MockReaderBackend) => {
  const channel = await backend.connect(MOCK_READER_NAME);
  if (!channel.ok) throw new Error(channel.error.code);
  return channel.value;
};

describe('mock reader backend', () => {
  it('lists one reader with the card and its ATR', async () => {
    const { backend, card } = setup();
    expect(await backend.listReaders()).toEqual({
      ok: true,
      value: [{ name: 'Smartcard Unlock Virtual Reader', hasCard: true, atr: card.atr }],
    });
  });

  it('when the card is removed and inserted, then it emits the events and the reader list follows', async () => {
    const { backend, card, events } = setup();
    backend.remove();
    expect((await backend.listReaders()).ok && backend.hasCard).toBe(false);
    backend.insert();
    expect(events).toEqual([
      { kind: 'card-removed', reader: MOCK_READER_NAME },
      { kind: 'readers-changed', readers: [{ name: MOCK_READER_NAME, hasCard: false }] },
      { kind: 'card-inserted', reader: MOCK_READER_NAME, atr: card.atr },
      {
        kind: 'readers-changed',
        readers: [{ name: MOCK_READER_NAME, hasCard: true, atr: card.atr }],
      },
    ]);
  });

  it('when the card is out, then connecting says card-absent; another reader name is reader-missing', async () => {
    const { backend } = setup(false);
    expect(await backend.connect(MOCK_READER_NAME)).toMatchObject({
      ok: false,
      error: { code: 'card-absent' },
    });
    expect(await backend.connect('Other Reader')).toMatchObject({
      ok: false,
      error: { code: 'reader-missing' },
    });
  });

  it('when the card is pulled, then the open channel fails with card-removed, even after it is put back', async () => {
    const { backend } = setup();
    const client = new PivClient(await connect(backend));
    expect((await client.select()).ok).toBe(true);
    backend.remove();
    expect(await client.readCardId()).toEqual({ ok: false, error: { code: 'card-removed' } });
    backend.insert();
    expect(await client.readCardId()).toEqual({ ok: false, error: { code: 'card-removed' } });
    const fresh = new PivClient(await connect(backend));
    expect((await fresh.readCardId()).ok).toBe(true);
  });

  it('when the card is pulled and put back, then the passcode must be verified again', async () => {
    const { backend, card } = setup();
    await new PivClient(await connect(backend)).verifyPasscode('123456');
    expect(card.status.verified).toBe(true);
    backend.remove();
    backend.insert();
    expect(card.status.verified).toBe(false);
  });

  it('lock blocks the passcode, as three wrong tries would', async () => {
    const { backend } = setup();
    backend.lock();
    const client = new PivClient(await connect(backend));
    expect(await client.passcodeStatus()).toEqual({
      ok: true,
      value: { blocked: true, triesLeft: 0 },
    });
  });

  it('after unsubscribing, that listener hears no more events', () => {
    const { backend } = setup();
    const heard: ReaderEvent[] = [];
    const unsubscribe = backend.onEvent((event) => heard.push(event));
    unsubscribe();
    backend.remove();
    expect(heard).toEqual([]);
  });

  it('after closing, no more events arrive and connecting fails', async () => {
    const { backend, events } = setup();
    await backend.close();
    backend.remove();
    expect(events).toEqual([]);
    expect((await backend.connect(MOCK_READER_NAME)).ok).toBe(false);
  });
});
