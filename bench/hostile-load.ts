import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { mainThreadCpuMs, rawConnection } from './raw-client';
import { startServer } from './server';

/**
 * bench/server's hostile-load part (issue 15): what the worst bodies within the size limit cost
 * the event loop, and `/healthz` latency while one address sends its whole allowance of the
 * costliest of them, as a ratio to idle in interleaved rounds (target: at most 2).
 */

const COST_REQUESTS = 300;
const ROUNDS = 3;
/** The default rate (120 requests a minute per address) over a window short enough to repeat. */
const WINDOW_SECONDS = 10;
const ALLOWANCE = 20;
const PROBE_EVERY_MS = 2;
const ATTACK_CONNECTIONS = 4;
/** Well under the 16 kB body limit, so the parser reads every body whole. */
const BODY_BYTES = 15_000;

/** `unit` repeated to fill the body, between `head` and `tail`. */
const filled = (head: string, unit: string, tail: string, separator = ''): string => {
  const count = Math.floor(
    (BODY_BYTES - head.length - tail.length) / (unit.length + separator.length),
  );
  return head + Array.from({ length: count }, () => unit).join(separator) + tail;
};

/** A JSON array of `n` copies of `item`. */
const array = (n: number, item: string): string =>
  `[${Array.from({ length: n }, () => item).join(',')}]`;

/**
 * Bodies built to cost the most before the schema refuses them, each under the size limit: the
 * first four are past JSON_LIMITS and refused before the parse; the rest are the costliest within.
 */
const WORST_BODIES: readonly { readonly name: string; readonly body: string }[] = [
  { name: 'nested 7,000 deep', body: `{"answers":${'['.repeat(7000)}${']'.repeat(7000)}}` },
  { name: 'an array of 3,700 strings', body: filled('{"answers":[', '"a"', ']}', ',') },
  { name: 'an array of 4,900 empty objects', body: filled('{"answers":[', '{}', ']}', ',') },
  {
    name: '1,500 unknown keys',
    body: `{${Array.from({ length: 1500 }, (_, i) => `"k${i}":0`).join(',')}}`,
  },
  { name: 'a 64 x 64 grid of empty objects', body: `{"answers":${array(64, array(64, '{}'))}}` },
  { name: 'a 64 x 60 grid of strings', body: `{"answers":${array(64, array(60, '"a"'))}}` },
  {
    name: '64 answers of 36 escapes each',
    body: `{"answers":${array(64, `{"questionId":"q","answer":"${'\\u00e9'.repeat(36)}"}`)}}`,
  },
  {
    name: 'a 64 x 27 grid of lone surrogates',
    body: `{"answers":${array(64, array(27, '"\\ud800"'))}}`,
  },
];

/** The median and the 99th percentile of some latencies, in ms. */
function percentiles(values: readonly number[]): { readonly p50: number; readonly p99: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { p50: at(0.5), p99: at(0.99) };
}

/**
 * /healthz latencies for `ms`, one probe every PROBE_EVERY_MS (or as soon as the last answered),
 * each marked with whether `inBurst` held when it was sent.
 */
async function probeHealth(
  url: string,
  ms: number,
  inBurst: (at: number) => boolean = () => false,
): Promise<{ readonly ms: number; readonly inBurst: boolean }[]> {
  const probe = await rawConnection(url);
  const latencies: { ms: number; inBurst: boolean }[] = [];
  const end = performance.now() + ms;
  try {
    for (let next = performance.now(); next < end; next += PROBE_EVERY_MS) {
      const wait = next - performance.now();
      if (wait > 0) await delay(wait);
      const start = performance.now();
      const status = await probe.request('/healthz');
      if (status !== 200) throw new Error(`/healthz answered ${status}`);
      latencies.push({ ms: performance.now() - start, inBurst: inBurst(start) });
    }
  } finally {
    probe.close();
  }
  return latencies;
}

/** Prints each worst body's event-loop cost, then /healthz under one address's whole allowance. */
export async function benchHostileLoad(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-hostile-'));
  try {
    const answersPath = `/v1/unlock/attempts/${'A'.repeat(32)}/answers`;
    console.log('bench/server: hostile bodies within the size limit (issue 15)');

    // 1. The main thread's CPU per request, each body sent one at a time, limits out of the way.
    const open = await startServer(join(dir, 'cost'));
    let costliest = WORST_BODIES[0]!;
    let highest = 0;
    try {
      const client = await rawConnection(open.running.url);
      const costOf = async (body: string): Promise<number> => {
        const before = mainThreadCpuMs();
        for (let i = 0; i < COST_REQUESTS; i += 1) {
          const status = await client.request(answersPath, body);
          if (status !== 400) throw new Error(`a hostile body answered ${status}, not 400`);
        }
        const after = mainThreadCpuMs();
        return before === undefined || after === undefined ? NaN : (after - before) / COST_REQUESTS;
      };
      const baseline = await costOf('{"answers":7}');
      console.log(
        `  main-thread CPU per request (server and client), a tiny bad body: ${baseline.toFixed(3)} ms`,
      );
      for (const { name, body } of WORST_BODIES) {
        const ms = await costOf(body);
        if (ms > highest) [highest, costliest] = [ms, { name, body }];
        console.log(
          `  ${name.padEnd(36)} ${(body.length / 1024).toFixed(1)} kB: ${ms.toFixed(3)} ms, ${(ms - baseline).toFixed(3)} ms over the tiny body (target: about 1 ms at most)`,
        );
      }
      client.close();
    } finally {
      await open.running.close(100);
      await open.services.close();
    }

    // 2. /healthz over whole rate-limit windows, paced, while one address (a fresh one each
    // window) sends its whole allowance of the costliest body at once as the window opens,
    // against windows with no attack, interleaved. The window is shortened at the default rate.
    const server = await startServer(join(dir, 'limits'), {
      windowSeconds: WINDOW_SECONDS,
      maxRequests: ALLOWANCE,
      maxAttemptStarts: 20,
    });
    const idle: { readonly ms: number }[] = [];
    const attacked: number[] = [];
    const burst: number[] = [];
    try {
      const url = server.running.url;
      for (let round = 0; round < ROUNDS; round += 1) {
        idle.push(...(await probeHealth(url, WINDOW_SECONDS * 1000)));
        const attackers = await Promise.all(
          Array.from({ length: ATTACK_CONNECTIONS }, () =>
            rawConnection(url, { localAddress: `127.0.1.${round + 1}` }),
          ),
        );
        let left = ALLOWANCE;
        let burstEnd = Infinity;
        const started = performance.now();
        const attack = Promise.all(
          attackers.map(async (a) => {
            while (left > 0) {
              left -= 1;
              const status = await a.request(answersPath, costliest.body);
              if (status !== 400) throw new Error(`the attack got ${status} inside its allowance`);
            }
          }),
        ).then(async () => {
          burstEnd = performance.now();
          // One more, inside the same window, is past the allowance: the limit holds.
          const over = await attackers[0]!.request(answersPath, costliest.body);
          if (over !== 429) throw new Error(`a request past the allowance answered ${over}`);
        });
        const window = await probeHealth(url, WINDOW_SECONDS * 1000, (at) => at <= burstEnd);
        attacked.push(...window.map((p) => p.ms));
        burst.push(...window.filter((p) => p.inBurst).map((p) => p.ms));
        await attack;
        for (const a of attackers) a.close();
        if (round === 0) {
          console.log(
            `  the allowance of ${ALLOWANCE} took ${(burstEnd - started).toFixed(1)} ms of a ${WINDOW_SECONDS} s window`,
          );
        }
      }
    } finally {
      await server.running.close(100);
      await server.services.close();
    }
    const quiet = percentiles(idle.map((p) => p.ms));
    const loud = percentiles(attacked);
    const during = percentiles(burst);
    console.log(
      `  /healthz, ${ROUNDS} windows each, one probe every ${PROBE_EVERY_MS} ms: idle p50 ${quiet.p50.toFixed(3)} ms, p99 ${quiet.p99.toFixed(3)} ms; attacked p50 ${loud.p50.toFixed(3)} ms, p99 ${loud.p99.toFixed(3)} ms`,
    );
    console.log(
      `  ratio to idle over the window (one address's whole allowance of "${costliest.name}"): p50 ${(loud.p50 / quiet.p50).toFixed(2)}, p99 ${(loud.p99 / quiet.p99).toFixed(2)} (target: at most 2)`,
    );
    console.log(
      `  during the burst itself (${burst.length} probes): p50 ${during.p50.toFixed(3)} ms, p99 ${during.p99.toFixed(3)} ms (queued behind ${ATTACK_CONNECTIONS} requests at a time)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
