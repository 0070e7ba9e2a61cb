import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Worker } from 'node:worker_threads';
import { createFfiLane, LaneState, LENGTH, laneViews, STATE } from './card-rtt-ffi-lane';
import { openFfiCard, type FfiLoadTimes } from './card-rtt-ffi-pcsc';

/**
 * bench/card-rtt's FFI sides (`npm run bench -- card-rtt --ffi`, ADR 0015), in a process of their
 * own so that neither the smartcard binding nor a second PC/SC user shares it:
 *
 * - `worker` (default): the prototype layer. koffi and libpcsclite live in a worker thread that
 *   blocks in Atomics.wait and calls SCardTransmit synchronously; this thread writes the command
 *   into a SharedArrayBuffer and awaits the reply with Atomics.waitAsync, as the card layer's
 *   caller would.
 * - `worker-spin`: the same, but each end polls the state word for up to SPIN_MICROS before it
 *   sleeps (the worker in Atomics.wait, this thread in Atomics.waitAsync): what the two thread
 *   wake-ups per APDU cost, at the price of a bounded busy wait on the caller's thread.
 * - `direct`: SCardTransmit through koffi on this thread, no worker: the floor for any FFI layer.
 *
 * The same protocol as card-rtt-client.c: arguments READER HEXAPDU [worker|worker-spin|direct]; for each count
 * N read on standard input, N round trips printed in microseconds on one line. The line `load`
 * answers with the milliseconds spent importing koffi, binding the library, and starting the side
 * (worker start to ready, or the card opened).
 */

type WaitAsyncResult =
  | { readonly async: false; readonly value: 'not-equal' | 'timed-out' }
  | { readonly async: true; readonly value: Promise<'ok' | 'timed-out'> };
type WaitAsync = (array: Int32Array, index: number, value: number) => WaitAsyncResult;

// ES2024, in Node 16+ and Electron; the project's type library stops at ES2023.
const waitAsync = (Atomics as unknown as { readonly waitAsync: WaitAsync }).waitAsync;

/** About one round trip through pcscd here: long enough to catch most replies while polling. */
const SPIN_MICROS = 300;
const WORKER_SOURCE = join(import.meta.dirname, 'card-rtt-ffi-worker.ts');

/** One side's round trip and its start-up costs. */
interface FfiSide {
  readonly load: FfiLoadTimes & { readonly startMs: number };
  exchange(command: Uint8Array): Promise<void> | void;
  stop(): Promise<void> | void;
}

/** The worker cannot load TypeScript by itself: start it through tsx, as pcsc-backend does. */
function spawnWorker(reader: string, lane: SharedArrayBuffer, spinMicros: number): Worker {
  const tsx = createRequire(import.meta.url).resolve('tsx/cjs/api');
  const bootstrap = `require(${JSON.stringify(tsx)}).require(${JSON.stringify(WORKER_SOURCE)}, ${JSON.stringify(WORKER_SOURCE)});`;
  return new Worker(bootstrap, { eval: true, workerData: { reader, lane, spinMicros } });
}

async function startWorkerSide(reader: string, spinMicros: number): Promise<FfiSide> {
  const started = performance.now();
  const lane = createFfiLane();
  const { header, command: commandView, response } = laneViews(lane);
  const worker = spawnWorker(reader, lane, spinMicros);
  const times = await new Promise<FfiLoadTimes>((resolve, reject) => {
    worker.once('message', (message: { ready?: FfiLoadTimes; failed?: string }) =>
      message.ready !== undefined
        ? resolve(message.ready)
        : reject(new Error(message.failed ?? 'the FFI worker failed')),
    );
    worker.once('error', reject);
  });
  const startMs = performance.now() - started;
  return {
    load: { ...times, startMs },
    exchange: async (command) => {
      commandView.set(command);
      Atomics.store(header, LENGTH, command.byteLength);
      Atomics.store(header, STATE, LaneState.request);
      Atomics.notify(header, STATE);
      const until = performance.now() + spinMicros / 1000;
      while (Atomics.load(header, STATE) === LaneState.request && performance.now() < until);
      const wait = waitAsync(header, STATE, LaneState.request);
      if (wait.async) await wait.value;
      if (Atomics.load(header, STATE) !== LaneState.response) {
        const length = Atomics.load(header, LENGTH);
        throw new Error(Buffer.from(response.subarray(0, length)).toString('utf8'));
      }
    },
    stop: async () => {
      Atomics.store(header, STATE, LaneState.quit);
      Atomics.notify(header, STATE);
      await new Promise((resolve) => worker.once('exit', resolve));
    },
  };
}

async function startDirectSide(reader: string): Promise<FfiSide> {
  const started = performance.now();
  const [card, times] = await openFfiCard(reader);
  const startMs = performance.now() - started;
  const response = new Uint8Array(258);
  card.transmit(new Uint8Array(Buffer.from('00a4040009a0000003080000100000', 'hex')), response);
  return {
    load: { ...times, startMs },
    exchange: (command) => {
      card.transmit(command, response);
    },
    stop: () => card.close(),
  };
}

const MODES: readonly string[] = ['worker', 'worker-spin', 'direct'];

async function main(): Promise<void> {
  const [reader, apdu, mode = 'worker'] = process.argv.slice(2);
  if (reader === undefined || apdu === undefined || !MODES.includes(mode)) {
    throw new Error(`usage: card-rtt-ffi READER HEXAPDU [${MODES.join('|')}]`);
  }
  const side =
    mode === 'direct'
      ? await startDirectSide(reader)
      : await startWorkerSide(reader, mode === 'worker-spin' ? SPIN_MICROS : 0);
  const command = new Uint8Array(Buffer.from(apdu, 'hex'));
  for await (const line of createInterface({ input: process.stdin })) {
    if (line === 'load') {
      const { koffiImportMs, bindMs, startMs } = side.load;
      process.stdout.write(
        `${[koffiImportMs, bindMs, startMs].map((ms) => ms.toFixed(2)).join(' ')}\n`,
      );
      continue;
    }
    const count = Number(line);
    const times: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const start = performance.now();
      await side.exchange(command);
      times.push(((performance.now() - start) * 1000).toFixed(1));
    }
    process.stdout.write(`${times.join(' ')}\n`);
  }
  await side.stop();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
