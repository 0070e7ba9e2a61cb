import type { CardError, ReaderEvent, ReaderInfo } from '../types';

/**
 * Pure helpers for the PC/SC worker: reader state flags, snapshots of the readers, the events that
 * turn one snapshot into the next, and what the binding's error messages mean. The `smartcard`
 * binding's errors carry no code, only pcsc-lite's message, so the message is what we classify.
 */

/** PC/SC reader state flags (identical in pcsc-lite and WinSCard). */
export const SCARD_STATE = {
  changed: 0x0002,
  unknown: 0x0004,
  unavailable: 0x0008,
  empty: 0x0010,
  present: 0x0020,
  mute: 0x0200,
} as const;

/** One reader as the worker last saw it. */
export interface ReaderSnapshot {
  readonly name: string;
  /** The reader's event state, with the CHANGED flag cleared (the count of card events stays in the high word). */
  readonly state: number;
  readonly atr?: Uint8Array;
}

/** Whether a state says a card is in the reader and answered its reset. */
export function cardPresent(state: number): boolean {
  return (state & SCARD_STATE.present) !== 0 && (state & SCARD_STATE.mute) === 0;
}

/** The number of card insertions and removals pcsc-lite has counted for a reader. */
export function eventCount(state: number): number {
  return (state >>> 16) & 0xffff;
}

/** The state to hand back to SCardGetStatusChange as "what I know". */
export function knownState(state: number): number {
  return (state & ~SCARD_STATE.changed) >>> 0;
}

/** Readers as the rest of the app sees them. */
export function toReaderInfo(readers: readonly ReaderSnapshot[]): ReaderInfo[] {
  return readers.map((r) =>
    cardPresent(r.state) && r.atr !== undefined && r.atr.length > 0
      ? { name: r.name, hasCard: true, atr: r.atr }
      : { name: r.name, hasCard: cardPresent(r.state) },
  );
}

/**
 * The events between two snapshots: removals, then the reader list, then insertions, so no listener
 * sees a card in an unlisted reader; a card pulled and pushed back between looks shows as both.
 */
export function diffSnapshots(
  before: readonly ReaderSnapshot[],
  after: readonly ReaderSnapshot[],
): ReaderEvent[] {
  const previous = new Map(before.map((r) => [r.name, r]));
  const next = new Map(after.map((r) => [r.name, r]));
  const removed: ReaderEvent[] = [];
  const inserted: ReaderEvent[] = [];
  for (const old of before) {
    const now = next.get(old.name);
    const swapped = now !== undefined && eventCount(now.state) !== eventCount(old.state);
    if (cardPresent(old.state) && (now === undefined || !cardPresent(now.state) || swapped)) {
      removed.push({ kind: 'card-removed', reader: old.name });
    }
  }
  for (const now of after) {
    const old = previous.get(now.name);
    const swapped = old !== undefined && eventCount(now.state) !== eventCount(old.state);
    if (cardPresent(now.state) && (old === undefined || !cardPresent(old.state) || swapped)) {
      inserted.push({ kind: 'card-inserted', reader: now.name, atr: now.atr ?? new Uint8Array(0) });
    }
  }
  const listChanged =
    before.length !== after.length ||
    after.some((r) => {
      const old = previous.get(r.name);
      return old === undefined || cardPresent(old.state) !== cardPresent(r.state);
    });
  const changed: ReaderEvent[] =
    listChanged || removed.length > 0 || inserted.length > 0
      ? [{ kind: 'readers-changed', readers: toReaderInfo(after) }]
      : [];
  return [...removed, ...changed, ...inserted];
}

/** What a binding error message means, before the worker knows whether the service is alive. */
export type PcscFailure =
  | 'no-service'
  | 'invalid-handle'
  | 'card-removed'
  | 'no-card'
  | 'reader-gone'
  | 'sharing'
  | 'cancelled'
  | 'timeout'
  | 'other';

const failurePatterns: readonly (readonly [RegExp, PcscFailure])[] = [
  [/service not running|service stopped|no service/i, 'no-service'],
  [/invalid handle|context is not valid/i, 'invalid-handle'],
  [/card was removed|removed card/i, 'card-removed'],
  [/no smart card|card is not connected/i, 'no-card'],
  [/reader unavailable|unknown reader|no readers/i, 'reader-gone'],
  [/sharing violation/i, 'sharing'],
  [/cancel/i, 'cancelled'],
  [/timed out|timeout/i, 'timeout'],
];

/** Classifies an error thrown by the binding (pcsc-lite's message, since it carries no code). */
export function classifyFailure(error: unknown): PcscFailure {
  const message = error instanceof Error ? error.message : String(error);
  for (const [pattern, failure] of failurePatterns) {
    if (pattern.test(message)) return failure;
  }
  return 'other';
}

/** The error detail for logs: the binding's own words, short, never card data. */
export function failureDetail(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.slice(0, 200);
}

/** A card error with a detail, for the common cases. */
export function cardError(code: CardError['code'], detail?: string): CardError {
  return detail === undefined ? { code } : { code, detail };
}
