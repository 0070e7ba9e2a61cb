import type { ReaderBackend, ReaderEvent } from '../../src/main/card/types';

/** Records a backend's events and lets a test wait for one, without sleeping. */
export interface EventRecorder {
  readonly events: readonly ReaderEvent[];
  /** The number of events so far: pass it to `waitFor` to wait only for newer events. */
  mark(): number;
  /** Resolves with the first event after `since` that matches. */
  waitFor(
    match: (event: ReaderEvent) => boolean,
    since?: number,
    timeoutMs?: number,
  ): Promise<ReaderEvent>;
  stop(): void;
}

/** Starts recording `backend`'s events. */
export function recordEvents(backend: ReaderBackend): EventRecorder {
  const events: ReaderEvent[] = [];
  const waiters = new Set<() => void>();
  const unsubscribe = backend.onEvent((event) => {
    events.push(event);
    for (const waiter of [...waiters]) waiter();
  });
  return {
    events,
    mark: () => events.length,
    waitFor: (match, since = 0, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `no matching reader event within ${timeoutMs} ms; saw ${JSON.stringify(events.map((e) => e.kind))}`,
            ),
          );
        }, timeoutMs);
        function check(): void {
          const event = events.slice(since).find(match);
          if (event !== undefined) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve(event);
          }
        }
        waiters.add(check);
        check();
      }),
    stop: unsubscribe,
  };
}

/** Matches a card insertion into `reader`. */
export const inserted =
  (reader: string) =>
  (event: ReaderEvent): boolean =>
    event.kind === 'card-inserted' && event.reader === reader;

/** Matches a card removal from `reader`. */
export const removed =
  (reader: string) =>
  (event: ReaderEvent): boolean =>
    event.kind === 'card-removed' && event.reader === reader;
