import { describe, expect, it } from 'vitest';
import {
  readerStatusFrom,
  unavailableReason,
  type ReaderFacts,
} from '../../../../src/main/reader/reader-status';

const facts = (over: Partial<ReaderFacts>): ReaderFacts => ({
  serviceUp: true,
  readers: [],
  configured: null,
  chosen: null,
  mock: false,
  ...over,
});
const a = { name: 'Reader A', hasCard: true };
const b = { name: 'Reader B', hasCard: true };
const empty = { name: 'Reader C', hasCard: false };

describe('reader status', () => {
  it('when the card service is down, then service-down', () => {
    const s = readerStatusFrom(facts({ serviceUp: false }));
    expect(s.state).toBe('service-down');
    expect(unavailableReason(s)).toBe('service-down');
  });

  it('when no reader is attached, then no-reader', () => {
    expect(unavailableReason(readerStatusFrom(facts({})))).toBe('reader-missing');
  });

  it('when one reader has no card, then no-card with that reader selected', () => {
    expect(readerStatusFrom(facts({ readers: [empty] }))).toMatchObject({
      state: 'no-card',
      selectedReader: 'Reader C',
    });
  });

  it('when only one reader of several has a card, then it is selected', () => {
    expect(readerStatusFrom(facts({ readers: [empty, a] }))).toMatchObject({
      state: 'card-present',
      selectedReader: 'Reader A',
    });
  });

  it('when several readers have cards and none is chosen, then the user is asked', () => {
    const s = readerStatusFrom(facts({ readers: [a, b] }));
    expect(s).toMatchObject({ state: 'choose-reader', selectedReader: null });
    expect(unavailableReason(s)).toBe('reader-choice-needed');
  });

  it('when the user chose a reader, then it is used', () => {
    expect(readerStatusFrom(facts({ readers: [a, b], chosen: 'Reader B' }))).toMatchObject({
      state: 'card-present',
      selectedReader: 'Reader B',
    });
  });

  it('when a reader is configured and attached, then only it is used, even if another has a card', () => {
    expect(readerStatusFrom(facts({ readers: [a, empty], configured: 'Reader C' }))).toMatchObject({
      state: 'no-card',
      selectedReader: 'Reader C',
    });
    expect(
      readerStatusFrom(facts({ readers: [a, b], configured: 'Reader B', chosen: 'Reader A' })),
    ).toMatchObject({ state: 'card-present', selectedReader: 'Reader B' });
  });

  it('when the configured reader is not attached, then the card in another reader is used, or the user is asked', () => {
    expect(readerStatusFrom(facts({ readers: [a, empty], configured: 'Reader Z' }))).toMatchObject({
      state: 'card-present',
      selectedReader: 'Reader A',
    });
    expect(readerStatusFrom(facts({ readers: [a, b], configured: 'Reader Z' }))).toMatchObject({
      state: 'choose-reader',
    });
    expect(
      readerStatusFrom(facts({ readers: [a, b], configured: 'Reader Z', chosen: 'Reader B' })),
    ).toMatchObject({ state: 'card-present', selectedReader: 'Reader B' });
    expect(readerStatusFrom(facts({ readers: [empty], configured: 'Reader Z' }))).toMatchObject({
      state: 'no-card',
      selectedReader: 'Reader C',
    });
  });
});
