import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cardPresent,
  classifyFailure,
  diffSnapshots,
  eventCount,
  knownState,
  SCARD_STATE,
  type ReaderSnapshot,
} from '../../../../../src/main/card/pcsc/reader-state';

const ATR = Uint8Array.of(0x3b, 0x80, 0x80, 0x01, 0x01);
const empty = (name: string, events = 0): ReaderSnapshot => ({
  name,
  state: (events << 16) | SCARD_STATE.empty,
});
const withCard = (name: string, events = 1): ReaderSnapshot => ({
  name,
  state: (events << 16) | SCARD_STATE.present,
  atr: ATR,
});

describe('reader state flags', () => {
  it('counts a card as present only when it is there and not mute', () => {
    expect(cardPresent(SCARD_STATE.present)).toBe(true);
    expect(cardPresent(SCARD_STATE.present | SCARD_STATE.mute)).toBe(false);
    expect(cardPresent(SCARD_STATE.empty)).toBe(false);
  });

  it('reads the event count from the high word and clears CHANGED from a known state', () => {
    const state = (7 << 16) | SCARD_STATE.present | SCARD_STATE.changed;
    expect(eventCount(state)).toBe(7);
    expect(knownState(state)).toBe((7 << 16) | SCARD_STATE.present);
  });
});

describe('diffSnapshots', () => {
  it('reports nothing when nothing changed', () => {
    const readers = [withCard('A'), empty('B')];
    expect(diffSnapshots(readers, readers)).toEqual([]);
  });

  it('reports a new reader list and then the insertion with its ATR', () => {
    expect(diffSnapshots([empty('A')], [withCard('A')])).toEqual([
      { kind: 'readers-changed', readers: [{ name: 'A', hasCard: true, atr: ATR }] },
      { kind: 'card-inserted', reader: 'A', atr: ATR },
    ]);
  });

  it('reports the removal before the new reader list', () => {
    expect(diffSnapshots([withCard('A')], [empty('A', 2)])).toEqual([
      { kind: 'card-removed', reader: 'A' },
      { kind: 'readers-changed', readers: [{ name: 'A', hasCard: false }] },
    ]);
  });

  it('reports a card swapped between two looks as a removal and an insertion', () => {
    expect(diffSnapshots([withCard('A', 1)], [withCard('A', 3)]).map((e) => e.kind)).toEqual([
      'card-removed',
      'readers-changed',
      'card-inserted',
    ]);
  });

  it('reports a detached reader that held a card as a removal and a shorter list', () => {
    expect(diffSnapshots([withCard('A'), empty('B')], [empty('B')])).toEqual([
      { kind: 'card-removed', reader: 'A' },
      { kind: 'readers-changed', readers: [{ name: 'B', hasCard: false }] },
    ]);
  });

  it('reports an attached empty reader as a new list only', () => {
    expect(diffSnapshots([], [empty('A')])).toEqual([
      { kind: 'readers-changed', readers: [{ name: 'A', hasCard: false }] },
    ]);
  });

  it('keeps every listener consistent: replaying the events over the old cards gives the new cards', () => {
    const snapshot = fc.uniqueArray(
      fc.record({ name: fc.constantFrom('A', 'B', 'C'), present: fc.boolean(), events: fc.nat(3) }),
      { selector: (r) => r.name },
    );
    const toSnapshot = (
      readers: readonly { name: string; present: boolean; events: number }[],
    ): ReaderSnapshot[] =>
      readers.map((r) => (r.present ? withCard(r.name, r.events) : empty(r.name, r.events)));
    fc.assert(
      fc.property(snapshot, snapshot, (before, after) => {
        const cards = new Set<string>(before.filter((r) => r.present).map((r) => r.name));
        for (const event of diffSnapshots(toSnapshot(before), toSnapshot(after))) {
          if (event.kind === 'card-removed') expect(cards.delete(event.reader)).toBe(true);
          if (event.kind === 'card-inserted') {
            expect(cards.has(event.reader)).toBe(false);
            cards.add(event.reader);
          }
        }
        expect([...cards].sort()).toEqual(
          after
            .filter((r) => r.present)
            .map((r) => r.name)
            .sort(),
        );
      }),
    );
  });
});

describe('classifyFailure', () => {
  it.each([
    ['PC/SC service not running', 'no-service'],
    ['PC/SC service stopped', 'no-service'],
    ['Invalid handle', 'invalid-handle'],
    ['Card was removed', 'card-removed'],
    ['No smart card present', 'no-card'],
    ['Reader unavailable', 'reader-gone'],
    ['Unknown reader', 'reader-gone'],
    ['Sharing violation', 'sharing'],
    ['Transaction failed', 'other'],
  ] as const)('reads "%s" as %s', (message, failure) => {
    expect(classifyFailure(new Error(message))).toBe(failure);
  });

  it('classifies things that are not errors without throwing', () => {
    expect(classifyFailure(undefined)).toBe('other');
    expect(classifyFailure({ weird: true })).toBe('other');
  });
});
