import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPcscBackend } from '../../../src/main/card/pcsc/pcsc-backend';
import type { ReaderBackend } from '../../../src/main/card/types';
import { ECHO_CARD_ATR, INS_ECHO, INS_PULL } from '../../support/echo-card';
import { pcscSkipReason, startPcscd, type Pcscd } from '../../support/pcscd';
import { inserted, recordEvents, removed, type EventRecorder } from '../../support/reader-events';
import {
  CARD_LINES,
  spawnVirtualCard,
  type VirtualCardProcess,
} from '../../support/virtual-card-process';

const echoCardEntry = fileURLToPath(new URL('../../support/echo-card-process.ts', import.meta.url));
const skip = pcscSkipReason();

describe.skipIf(skip !== undefined)('the PC/SC backend on a real pcscd with vpcd', () => {
  let pcscd: Pcscd;
  let backend: ReaderBackend;
  let events: EventRecorder;
  const cards: VirtualCardProcess[] = [];

  const spawnCard = (port: number): VirtualCardProcess => {
    const card = spawnVirtualCard(echoCardEntry, ['--profile', 'unused', '--port', String(port)]);
    cards.push(card);
    return card;
  };

  beforeAll(async () => {
    pcscd = await startPcscd();
    Object.assign(process.env, pcscd.env);
    const created = await createPcscBackend({ pollMs: 1000, retryMs: 100 });
    if (!created.ok) throw new Error(created.error.detail);
    backend = created.value;
    events = recordEvents(backend);
  });

  afterAll(async () => {
    await Promise.all(cards.map((card) => card.stop()));
    await backend?.close();
    await pcscd?.dispose();
  });

  it('lists both vpcd readers, empty, when no card is inserted', async () => {
    const readers = await backend.listReaders();
    expect(readers).toEqual({
      ok: true,
      value: [
        { name: pcscd.readerNames[0], hasCard: false },
        { name: pcscd.readerNames[1], hasCard: false },
      ],
    });
  });

  it('reports an insertion with the ATR, exchanges APDUs, then reports the removal', async () => {
    const reader = pcscd.readerNames[0];
    const since = events.mark();
    const card = spawnCard(pcscd.ports[0]);
    const insertion = await events.waitFor(inserted(reader), since);
    expect(insertion).toEqual({ kind: 'card-inserted', reader, atr: ECHO_CARD_ATR });

    const channel = await backend.connect(reader);
    if (!channel.ok) throw new Error(JSON.stringify(channel.error));
    expect(channel.value.atr).toEqual(ECHO_CARD_ATR);
    const response = await channel.value.transmit(Uint8Array.of(0x00, INS_ECHO, 0, 0, 3, 1, 2, 3));
    expect(response).toEqual({ ok: true, value: Uint8Array.of(1, 2, 3, 0x90, 0x00) });
    await channel.value.close();

    const beforeRemoval = events.mark();
    card.send('remove');
    await card.waitForLine(CARD_LINES.removed);
    await events.waitFor(removed(reader), beforeRemoval);
    const readers = await backend.listReaders();
    expect(readers.ok && readers.value.every((r) => !r.hasCard)).toBe(true);
    await card.stop();
  });

  it('says card-removed when the card is pulled in the middle of a command, and after', async () => {
    const reader = pcscd.readerNames[0];
    const since = events.mark();
    spawnCard(pcscd.ports[0]);
    await events.waitFor(inserted(reader), since);
    const channel = await backend.connect(reader);
    if (!channel.ok) throw new Error(JSON.stringify(channel.error));

    const pulled = await channel.value.transmit(Uint8Array.of(0x00, INS_PULL, 0, 0));
    expect(pulled).toMatchObject({ ok: false, error: { code: 'card-removed' } });
    const after = await channel.value.transmit(Uint8Array.of(0x00, INS_ECHO, 0, 0, 1, 7));
    expect(after).toMatchObject({ ok: false, error: { code: 'card-removed' } });
    await events.waitFor(removed(reader), since);
    await channel.value.close();
  });

  it('answers card-absent when connecting to an empty reader and reader-missing for an unknown one', async () => {
    expect(await backend.connect(pcscd.readerNames[1])).toMatchObject({
      ok: false,
      error: { code: 'card-absent' },
    });
    expect(await backend.connect('No Such Reader 00 00')).toMatchObject({
      ok: false,
      error: { code: 'reader-missing' },
    });
  });
});
