import type { ReaderStatus } from '../../shared/ipc-contract';
import type { CardErrorCode, ReaderInfo } from '../card/types';

/** What the monitor knows about the readers. */
export interface ReaderFacts {
  readonly serviceUp: boolean;
  readonly readers: readonly ReaderInfo[];
  /** The reader named in the settings (readerName), if any: used whenever it is attached. */
  readonly configured: string | null;
  /** The reader the user chose on the start screen, if any. */
  readonly chosen: string | null;
  readonly mock: boolean;
}

/**
 * The start screen's reader: the configured one when attached, else the chosen one, else the only
 * one with a card; several with cards means asking. A configured reader gone missing counts as
 * none.
 */
export function readerStatusFrom(facts: ReaderFacts): ReaderStatus {
  const readers = facts.readers.slice(0, 16).map((r) => ({ name: r.name, hasCard: r.hasCard }));
  const base = { readers, mock: facts.mock };
  if (!facts.serviceUp) return { ...base, state: 'service-down', selectedReader: null };
  if (readers.length === 0) return { ...base, state: 'no-reader', selectedReader: null };
  const configured = readers.some((r) => r.name === facts.configured) ? facts.configured : null;
  const named = readers.find((r) => r.name === (configured ?? facts.chosen));
  if (named !== undefined) {
    return {
      ...base,
      state: named.hasCard ? 'card-present' : 'no-card',
      selectedReader: named.name,
    };
  }
  const withCard = readers.filter((r) => r.hasCard);
  if (withCard.length === 1) {
    return { ...base, state: 'card-present', selectedReader: withCard[0]!.name };
  }
  if (withCard.length > 1) return { ...base, state: 'choose-reader', selectedReader: null };
  return {
    ...base,
    state: 'no-card',
    selectedReader: readers.length === 1 ? readers[0]!.name : null,
  };
}

/** Why the card cannot be opened in this status, as a card error code; null when it can. */
export function unavailableReason(status: ReaderStatus): CardErrorCode | null {
  switch (status.state) {
    case 'card-present':
      return null;
    case 'service-down':
      return 'service-down';
    case 'no-reader':
      return 'reader-missing';
    case 'no-card':
      return 'card-absent';
    case 'choose-reader':
      return 'reader-choice-needed';
  }
}
