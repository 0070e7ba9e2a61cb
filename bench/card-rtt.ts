import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import type { CardChannel } from '../src/main/card/types';
import { writeProfile } from '../test/support/card-profile';
import { startCardStack, VIRTUAL_CARD_CLI } from '../test/support/card-stack';
import { pcscStackMissing } from '../test/support/pcscd';
import { inserted } from '../test/support/reader-events';
import { CARD_LINES } from '../test/support/virtual-card-process';

/**
 * bench/card-rtt (issue 3): one APDU round trip through the card layer (the PC/SC backend: its
 * worker, the smartcard binding, pcscd, vpcd, the virtual PIV card) against the same round trip
 * from a tiny C client on libpcsclite, built here with gcc, on the same pcscd and card in the same
 * run. Target: the card layer's median at most 1.3 times the C client's.
 *
 * The APDU is VERIFY with no data (PIV "tries left"), which spends no try, after SELECT. A third
 * side, the smartcard binding called on a plain thread in a process of its own
 * (card-rtt-binding.ts), splits the gap into the binding's share and the worker's: the binding alone
 * is the floor the card layer can reach while it uses that binding.
 *
 * The two other sides run in processes of their own that stay connected and run one round per
 * count written to their standard input, so rounds can be short and many: they rotate the sides,
 * and drift in the machine's load (other work on a shared two-core machine) falls on all of them.
 * Each side warms up first.
 *
 * With `--ffi` (ADR 0015, a prototype to inform a decision), two more sides run in a process of
 * their own (card-rtt-ffi.ts): SCardTransmit called through koffi from a worker thread that serves a
 * SharedArrayBuffer lane (the layer an FFI migration would build), and through koffi on a plain
 * thread (the floor for such a layer). The run then also prints koffi's load times.
 */

const BINDING_ENTRY = join(import.meta.dirname, 'card-rtt-binding.ts');
const FFI_ENTRY = join(import.meta.dirname, 'card-rtt-ffi.ts');
const TARGET_RATIO = 1.3;
const ROUNDS = 25;
const PER_ROUND = 20;
const WARMUP = 50;
const SELECT_PIV = new Uint8Array(Buffer.from('00a4040009a0000003080000100000', 'hex'));
const VERIFY_TRIES_LEFT = Uint8Array.of(0x00, 0x20, 0x00, 0x80);

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 0 ? (s[mid - 1]! + s[mid]!) / 2 : s[mid]!;
};
const percentile = (xs: readonly number[], p: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

function compileClient(dir: string): string {
  const output = join(dir, 'card-rtt-client');
  const source = join(import.meta.dirname, 'card-rtt-client.c');
  const built = spawnSync(
    'gcc',
    ['-O2', '-I/usr/include/PCSC', '-o', output, source, '-lpcsclite'],
    { encoding: 'utf8' },
  );
  if (built.status !== 0) {
    throw new Error(`gcc could not build the C client (libpcsclite-dev needed): ${built.stderr}`);
  }
  return output;
}

/** A baseline process (the C client or the binding alone) that runs a round per count it is sent. */
interface Baseline {
  round(count: number): Promise<number[]>;
  /** Sends one other line (the FFI side's `load`) and resolves with the answer. */
  ask(line: string): Promise<string>;
  stop(): void;
}

function startBaseline(
  command: readonly string[],
  reader: string,
  extra: readonly string[] = [],
): Baseline {
  const child: ChildProcess = spawn(
    command[0]!,
    [...command.slice(1), reader, hex(VERIFY_TRIES_LEFT), ...extra],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: process.env,
    },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines: Interface = createInterface({ input: child.stdout! });
  const waiting: ((line: string | undefined) => void)[] = [];
  lines.on('line', (line) => waiting.shift()?.(line));
  child.once('exit', () => {
    for (const resolve of waiting.splice(0)) resolve(undefined);
  });
  const ask = async (request: string): Promise<string | undefined> => {
    const line = new Promise<string | undefined>((resolve) => waiting.push(resolve));
    child.stdin!.write(`${request}\n`);
    return line;
  };
  return {
    ask: async (request) => {
      const answer = await ask(request);
      if (answer === undefined) throw new Error(`${command.join(' ')} ended: ${stderr}`);
      return answer;
    },
    round: async (count) => {
      const answer = await ask(String(count));
      const times = answer?.trim().split(' ').map(Number) ?? [];
      if (times.length !== count || times.some((t) => !Number.isFinite(t))) {
        throw new Error(`${command.join(' ')} answered ${String(answer)}: ${stderr}`);
      }
      return times;
    },
    stop: () => {
      child.stdin!.end();
    },
  };
}

/** `count` round trips through the card layer, each timed in microseconds. */
async function runCardLayer(channel: CardChannel, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const start = performance.now();
    const response = await channel.transmit(VERIFY_TRIES_LEFT);
    times.push((performance.now() - start) * 1000);
    if (!response.ok) throw new Error(`transmit failed: ${JSON.stringify(response.error)}`);
  }
  return times;
}

/**
 * Prints each side's median and 90th percentile, the target ratio, and the ratios that say where
 * the rest goes: the binding alone against the C client is the floor for any layer on this binding.
 * The ratio of round medians, paired round by round, is printed too: load on a shared machine
 * drifts, and the pairing keeps a busy minute from falling on one side only.
 */
function report(
  layer: readonly number[][],
  c: readonly number[][],
  binding: readonly number[][],
  ffi?: FfiRounds,
): void {
  const all = (rounds: readonly number[][]): number[] => rounds.flat();
  const paired = (a: readonly number[][], b: readonly number[][]): number =>
    median(a.map((round, i) => median(round) / median(b[i]!)));
  const line = (name: string, xs: readonly number[]): string =>
    `  ${name.padEnd(30)} median ${median(xs).toFixed(0).padStart(6)} µs   p90 ${percentile(xs, 0.9).toFixed(0).padStart(6)} µs   (n=${xs.length})`;
  const ratio = median(all(layer)) / median(all(c));
  console.log(
    `bench/card-rtt: one APDU round trip (VERIFY, tries left) through pcscd + vpcd, ${ROUNDS} rounds of ${PER_ROUND} per side`,
  );
  console.log(line('card layer (PC/SC backend)', all(layer)));
  console.log(line('C client on libpcsclite', all(c)));
  console.log(line('smartcard binding alone', all(binding)));
  if (ffi !== undefined) {
    console.log(line('FFI layer (koffi, worker+SAB)', all(ffi.worker)));
    console.log(line('FFI layer, polling ends', all(ffi.spin)));
    console.log(line('FFI alone (koffi, same thread)', all(ffi.direct)));
  }
  console.log(
    `  card layer / C client: ${ratio.toFixed(2)} (paired by round ${paired(layer, c).toFixed(2)}); target at most ${TARGET_RATIO}: ${ratio <= TARGET_RATIO ? 'met' : 'NOT met'}`,
  );
  console.log(
    `  floor on this binding: binding alone / C client ${(median(all(binding)) / median(all(c))).toFixed(2)} (paired ${paired(binding, c).toFixed(2)}); card layer / binding alone ${(median(all(layer)) / median(all(binding))).toFixed(2)} (paired ${paired(layer, binding).toFixed(2)})`,
  );
  if (ffi === undefined) return;
  const ffiRatio = median(all(ffi.worker)) / median(all(c));
  console.log(
    `  FFI layer / C client: ${ffiRatio.toFixed(2)} (paired by round ${paired(ffi.worker, c).toFixed(2)}); target at most ${TARGET_RATIO}: ${ffiRatio <= TARGET_RATIO ? 'met' : 'NOT met'}`,
  );
  console.log(
    `  floor through FFI: FFI alone / C client ${(median(all(ffi.direct)) / median(all(c))).toFixed(2)} (paired ${paired(ffi.direct, c).toFixed(2)}); FFI layer / FFI alone ${(median(all(ffi.worker)) / median(all(ffi.direct))).toFixed(2)} (paired ${paired(ffi.worker, ffi.direct).toFixed(2)})`,
  );
  console.log(
    `  FFI layer with polling ends / C client: ${(median(all(ffi.spin)) / median(all(c))).toFixed(2)} (paired ${paired(ffi.spin, c).toFixed(2)})`,
  );
  console.log(
    `  paired FFI layer / C by round: ${ffi.worker.map((round, i) => (median(round) / median(c[i]!)).toFixed(2)).join(' ')}`,
  );
  for (const [name, load] of [
    ['FFI layer', ffi.workerLoad],
    ['FFI alone', ffi.directLoad],
  ] as const) {
    const [importMs, bindMs, startMs] = load.split(' ');
    console.log(
      `  ${name} start-up: import koffi ${importMs} ms, load libpcsclite + declare 6 functions ${bindMs} ms, ready (incl. context, connect, SELECT${name === 'FFI layer' ? ', worker start' : ''}) ${startMs} ms`,
    );
  }
}

/** The FFI sides' round trips (one array per round) and their start-up answers. */
interface FfiRounds {
  readonly worker: number[][];
  readonly spin: number[][];
  readonly direct: number[][];
  readonly workerLoad: string;
  readonly directLoad: string;
}

/** Runs the benchmark and prints the medians and the ratio against the C client. */
export async function benchCardRtt(): Promise<void> {
  const missing = pcscStackMissing();
  if (missing !== undefined) {
    if (process.env.CI !== undefined && process.env.CI !== '') {
      throw new Error(`bench/card-rtt cannot run in CI: ${missing}`);
    }
    console.log(`bench/card-rtt skipped: ${missing}.`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'bench-card-rtt-'));
  const stack = await startCardStack();
  try {
    const client = compileClient(dir);
    const reader = stack.pcscd.readerNames[0];
    const since = stack.events.mark();
    const card = stack.spawnCard(VIRTUAL_CARD_CLI, [
      '--profile',
      writeProfile(dir),
      '--port',
      String(stack.pcscd.ports[0]),
    ]);
    await card.waitForLine(CARD_LINES.inserted);
    await stack.events.waitFor(inserted(reader), since);

    const channel = await stack.backend.connect(reader);
    if (!channel.ok) throw new Error(`connect: ${JSON.stringify(channel.error)}`);
    const selected = await channel.value.transmit(SELECT_PIV);
    if (!selected.ok || hex(selected.value.slice(-2)) !== '9000') {
      throw new Error(`SELECT of the PIV application failed: ${JSON.stringify(selected)}`);
    }
    const probe = await channel.value.transmit(VERIFY_TRIES_LEFT);
    const sw = probe.ok ? hex(probe.value.slice(-2)) : JSON.stringify(probe.error);
    if (!/^63c[0-9a-f]$/.test(sw)) throw new Error(`VERIFY without data answered ${sw}`);

    const cClient = startBaseline([client], reader);
    const bindingAlone = startBaseline(
      [process.execPath, '--import', 'tsx', BINDING_ENTRY],
      reader,
    );
    const withFfi = process.argv.includes('--ffi');
    const ffiSide = (mode: string): Baseline | undefined =>
      withFfi
        ? startBaseline([process.execPath, '--import', 'tsx', FFI_ENTRY], reader, [mode])
        : undefined;
    const ffiWorker = ffiSide('worker');
    const ffiSpin = ffiSide('worker-spin');
    const ffiDirect = ffiSide('direct');
    // Round trips per side, one array per round.
    const layer: number[][] = [];
    const c: number[][] = [];
    const binding: number[][] = [];
    const ffiWorkerRounds: number[][] = [];
    const ffiSpinRounds: number[][] = [];
    const ffiDirectRounds: number[][] = [];
    let ffi: FfiRounds | undefined;
    try {
      await runCardLayer(channel.value, WARMUP);
      await cClient.round(WARMUP);
      await bindingAlone.round(WARMUP);
      await ffiWorker?.round(WARMUP);
      await ffiSpin?.round(WARMUP);
      await ffiDirect?.round(WARMUP);
      const sides: (() => Promise<unknown>)[] = [
        async () => layer.push(await runCardLayer(channel.value, PER_ROUND)),
        async () => c.push(await cClient.round(PER_ROUND)),
        async () => binding.push(await bindingAlone.round(PER_ROUND)),
      ];
      if (ffiWorker !== undefined && ffiSpin !== undefined && ffiDirect !== undefined) {
        sides.push(
          async () => ffiWorkerRounds.push(await ffiWorker.round(PER_ROUND)),
          async () => ffiSpinRounds.push(await ffiSpin.round(PER_ROUND)),
          async () => ffiDirectRounds.push(await ffiDirect.round(PER_ROUND)),
        );
      }
      for (let round = 0; round < ROUNDS; round += 1) {
        // Rotate which side goes first so none always follows another.
        for (let i = 0; i < sides.length; i += 1) await sides[(round + i) % sides.length]!();
      }
      if (ffiWorker !== undefined && ffiSpin !== undefined && ffiDirect !== undefined) {
        ffi = {
          worker: ffiWorkerRounds,
          spin: ffiSpinRounds,
          direct: ffiDirectRounds,
          workerLoad: await ffiWorker.ask('load'),
          directLoad: await ffiDirect.ask('load'),
        };
      }
    } finally {
      cClient.stop();
      bindingAlone.stop();
      ffiWorker?.stop();
      ffiSpin?.stop();
      ffiDirect?.stop();
    }
    await channel.value.close();
    report(layer, c, binding, ffi);
  } finally {
    await stack.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}
