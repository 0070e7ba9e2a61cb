import { appError } from '../../../shared/errors';
import type { InvokeHandlers } from '../dispatch';
import type { ReaderPort } from './reader-handlers';

/** The mock reader's controls (card-core's MockReaderBackend has exactly these). */
export interface MockReaderControls {
  insert(): void;
  remove(): void;
  lock(): void;
}

/** The `mock:` namespace: the development panel's insert, remove and lock; refused outside mock mode. */
export function mockHandlers(
  mock: MockReaderControls | null,
  readers: ReaderPort,
): Pick<InvokeHandlers, 'mock:control'> {
  return {
    'mock:control': async ({ action }) => {
      if (mock === null) return { ok: false, error: appError('NOT_FOUND') };
      mock[action]();
      await readers.refresh();
      return { ok: true, value: readers.status() };
    },
  };
}
