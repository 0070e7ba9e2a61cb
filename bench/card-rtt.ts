import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { PivClient } from '../src/main/card/piv-client';
import type { CardChannel, UnblockRequest } from '../src/main/card/types';
import { ok } from '../src/shared/result';
import { DEFAULT_TEST_PROFILE, writeProfile } from '../test/support/card-profile';
import { startCardStack, VIRTUAL_CARD_CLI } from '../test/support/card-stack';
import { pcscStackMissing } from '../test/support/pcscd';
import { inserted } from '../test/support/reader-events';
import { CARD_LINES } from '../test/support/virtual-card-process';

/**
 * bench/card-rtt: the unlock's whole unblock (4 APDUs) through the card layer against the same APDUs
 * from the `smartcard` binding alone, on one pcscd and virtual card in one run (docs/pcsc.md).
 */

const BINDING_ENTRY = join(import.meta.dirname, 'card-rtt-binding.ts');
const TARGET_RATIO = 1.15;
const ROUNDS = 30;
const PER_ROUND = 10;
const WARMUP = 20;
/** Rotating the PUK to itself leaves the card as it was, so every unblock sends the same bytes. */
const UNBLOCK: UnblockRequest = {
  puk: DEFAULT_TEST_PROFILE.puk,
  unconfirmedPuk: null,
  nextPuk: DEFAULT_TEST_PROFILE.puk,
  passcode: DEFAULT_TEST_PROFILE.pin,
};

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 0 ? (s[mid - 1]! + s[mid]!) / 2 : s[mid]!;
};
const percentile = (xs: readonly number[], p: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** The APDUs the PIV client sends for UNBLOCK, recorded from a channel that answers 90 00. */
async function unblockApdus(): Promise<string[]> {
  const sent: string[] = [];
  const recorder: CardChannel = {
    atr: new Uint8Array(0),
    transmit: (command) => {
      sent.push(hex(command));
      return Promise.resolve(ok(Uint8Array.of(0x90, 0x00)));
    },
    close: () => Promise.resolve(),
  };
  const outcome = await new PivClient(recorder).unblock(UNBLOCK);
  if (outcome.done !== 'verified') throw new Error(`recording the APDUs: ${outcome.done}`);
  return sent;
}

/** The binding alone in a process of its own: a round of N unblocks per count it is sent. */
interface Baseline {
  round(count: number): Promise<number[]>;
  stop(): void;
}

function startBaseline(reader: string, apdus: readonly string[]): Baseline {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', BINDING_ENTRY, reader, ...apdus],
    { stdio: ['pipe', 'pipe', 'pipe'], env: process.env },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines: Interface = createInterface({ input: child.stdout! });
  const waiting: ((line: string | undefined) => void)[] = [];
  lines.on('line', (line) => waiting.shift()?.(line));
  child.once('exit', () => {
    for (const resolve of waiting.splice(0)) resolve(undefined);
  });
  return {
    round: async (count) => {
      const line = new Promise<string | undefined>((resolve) => waiting.push(resolve));
      child.stdin!.write(`${count}\n`);
      const answer = await line;
      const times = answer?.trim().split(' ').map(Number) ?? [];
      if (times.length !== count || times.some((t) => !Number.isFinite(t))) {
        throw new Error(`the binding alone answered ${String(answer)}: ${stderr}`);
      }
      return times;
    },
    stop: () => {
      child.stdin!.end();
    },
  };
}

/** `count` unblocks through the card layer, each timed in microseconds. */
async function runCardLayer(client: PivClient, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const start = performance.now();
    const outcome = await client.unblock(UNBLOCK);
    times.push((performance.now() - start) * 1000);
    if (outcome.done !== 'verified') throw new Error(`unblock: ${JSON.stringify(outcome)}`);
  }
  return times;
}

/** Medians, p90, and the ratio of medians overall and paired round by round (load drifts). */
function report(layer: readonly number[][], binding: readonly number[][], apdus: number): void {
  const all = (rounds: readonly number[][]): number[] => rounds.flat();
  const paired = median(layer.map((round, i) => median(round) / median(binding[i]!)));
  const line = (name: string, xs: readonly number[]): string =>
    `  ${name.padEnd(26)} median ${median(xs).toFixed(0).padStart(6)} µs   p90 ${percentile(xs, 0.9).toFixed(0).padStart(6)} µs   (n=${xs.length})`;
  const ratio = median(all(layer)) / median(all(binding));
  console.log(
    `bench/card-rtt: one whole unblock (${apdus} APDUs) through pcscd + vpcd + the virtual card, ${ROUNDS} rounds of ${PER_ROUND} per side`,
  );
  console.log(line('card layer (PivClient)', all(layer)));
  console.log(line('smartcard binding alone', all(binding)));
  console.log(
    `  card layer / binding alone: ${ratio.toFixed(2)} (paired by round ${paired.toFixed(2)}); target at most ${TARGET_RATIO}: ${paired <= TARGET_RATIO ? 'met' : 'NOT met'}`,
  );
  console.log(
    `  card layer's own cost per unblock: ${(median(all(layer)) - median(all(binding))).toFixed(0)} µs (difference of medians)`,
  );
}

/** Runs the benchmark and prints the medians and the ratio against the binding alone. */
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
    const apdus = await unblockApdus();
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
    const client = new PivClient(channel.value);
    const selected = await client.select();
    if (!selected.ok) throw new Error(`SELECT of the PIV application: ${selected.error.code}`);

    const bindingAlone = startBaseline(reader, apdus);
    const layer: number[][] = [];
    const binding: number[][] = [];
    try {
      await runCardLayer(client, WARMUP);
      await bindingAlone.round(WARMUP);
      const sides = [
        async () => layer.push(await runCardLayer(client, PER_ROUND)),
        async () => binding.push(await bindingAlone.round(PER_ROUND)),
      ];
      for (let round = 0; round < ROUNDS; round += 1) {
        // Alternate which side goes first so neither always follows the other.
        for (let i = 0; i < sides.length; i += 1) await sides[(round + i) % sides.length]!();
      }
    } finally {
      bindingAlone.stop();
    }
    await channel.value.close();
    report(layer, binding, apdus.length);
  } finally {
    await stack.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}
