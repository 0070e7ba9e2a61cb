import type { ReaderStatus } from '../../../shared/ipc-contract';
import type { InvokeHandlers } from '../dispatch';

/** What the reader handlers need from the reader monitor. */
export interface ReaderPort {
  status(): ReaderStatus;
  choose(readerName: string): Promise<ReaderStatus>;
  refresh(): Promise<void>;
}

/** The `reader:` namespace: the live reader status and the choice between readers. */
export function readerHandlers(
  readers: ReaderPort,
): Pick<InvokeHandlers, 'reader:get-status' | 'reader:choose'> {
  return {
    'reader:get-status': () => ({ ok: true, value: readers.status() }),
    'reader:choose': async ({ readerName }) => ({
      ok: true,
      value: await readers.choose(readerName),
    }),
  };
}
