import { parentPort, workerData } from 'node:worker_threads';
import { openFfiCard } from './card-rtt-ffi-pcsc';
import { LaneState, LENGTH, laneViews, STATE } from './card-rtt-ffi-lane';

/**
 * The FFI prototype's worker: opens the card through koffi, selects PIV, reports its load times,
 * then serves the lane until told to quit, blocking in Atomics.wait between commands and calling
 * SCardTransmit synchronously on this thread.
 */

interface FfiWorkerData {
  readonly reader: string;
  readonly lane: SharedArrayBuffer;
  /** How long to poll the state word before sleeping in Atomics.wait (0: sleep at once). */
  readonly spinMicros: number;
}

const SELECT_PIV = new Uint8Array(Buffer.from('00a4040009a0000003080000100000', 'hex'));

async function serve(): Promise<void> {
  const { reader, lane, spinMicros } = workerData as FfiWorkerData;
  const { header, command, response } = laneViews(lane);
  const [card, times] = await openFfiCard(reader);
  const selected = card.transmit(SELECT_PIV, response);
  const sw = Buffer.from(response.subarray(selected - 2, selected)).toString('hex');
  if (sw !== '9000') throw new Error(`SELECT of the PIV application answered ${sw}`);
  parentPort!.postMessage({ ready: times });
  const encoder = new TextEncoder();
  for (;;) {
    let state = Atomics.load(header, STATE);
    const until = performance.now() + spinMicros / 1000;
    while (state !== LaneState.request && state !== LaneState.quit && performance.now() < until) {
      state = Atomics.load(header, STATE);
    }
    while (state !== LaneState.request && state !== LaneState.quit) {
      Atomics.wait(header, STATE, state);
      state = Atomics.load(header, STATE);
    }
    if (state === LaneState.quit) break;
    try {
      const length = card.transmit(command.subarray(0, Atomics.load(header, LENGTH)), response);
      Atomics.store(header, LENGTH, length);
      Atomics.store(header, STATE, LaneState.response);
    } catch (error) {
      const written = encoder.encodeInto(
        error instanceof Error ? error.message : String(error),
        response,
      ).written;
      Atomics.store(header, LENGTH, written);
      Atomics.store(header, STATE, LaneState.failed);
    }
    Atomics.notify(header, STATE);
  }
  card.close();
}

serve().catch((error: unknown) => {
  parentPort!.postMessage({ failed: error instanceof Error ? error.message : String(error) });
});
