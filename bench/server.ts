import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import autocannon from 'autocannon';
import express from 'express';
import { pino } from 'pino';
import { createApp } from '../server/app';
import { loadConfig, type ServerSettings } from '../server/config';
import { createServices } from '../server/create-services';
import { createMetrics } from '../server/http/metrics';
import { databaseRateLimitStores } from '../server/http/rate-limit-store';
import { listen, type RunningServer } from '../server/http/server';
import { createLogger } from '../server/logging';
import { AnswerHasher } from '../server/security/answer-hasher';
import { mainThreadCpuMs, rawConnection } from './raw-client';
import { cardProofMessage, type ProofPurpose } from '../src/shared/card-identity';

/**
 * bench/server: answer submissions against raw argon2id, /healthz against bare Express, and latency
 * at half capacity, in interleaved rounds (method and figures: docs/security-model.md#benchmark).
 */

const SECONDS = 4;
const WARM_UP_SECONDS = 1;
const ROUNDS = 5;
/** Time for every loop of a closed-loop measure to be under way before counting starts. */
const RAMP_SECONDS = 1;
/** Long enough for a few dozen latency samples at half the capacity. */
const FIXED_RATE_SECONDS = 10;
const CONNECTIONS = 4;
const ANSWERS = { 'first-school': 'St Mary’s Primary', 'first-pet': 'Biscuit the Dog' };
// The bench raises the per-card lockout to the policy's maximum so each card takes ten wrong
// submissions (every one runs argon2id) before it locks; the per-address limits go to their
// maximum.
const MAX_WRONG = 10;

interface Card {
  readonly cardId: string;
  readonly email: string;
  readonly a: KeyObject;
  readonly e: KeyObject;
  readonly spki: { readonly '9A': Uint8Array; readonly '9E': Uint8Array };
}

function makeCard(i: number): Card {
  const a = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const e = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = (k: KeyObject) => new Uint8Array(k.export({ type: 'spki', format: 'der' }));
  return {
    cardId: i.toString(16).padStart(32, '0'),
    email: `bench.holder${i}@nhs.net`,
    a: a.privateKey,
    e: e.privateKey,
    spki: { '9A': spki(a.publicKey), '9E': spki(e.publicKey) },
  };
}

function proof(card: Card, purpose: ProofPurpose, attemptId: string, nonce: string): string {
  return sign('sha256', Buffer.from(cardProofMessage(purpose, attemptId, nonce)), {
    key: purpose === 'register' ? card.a : card.e,
    dsaEncoding: 'der',
  }).toString('base64');
}

const answerBody = (pet: string) =>
  JSON.stringify({
    answers: Object.entries({ ...ANSWERS, 'first-pet': pet }).map(([questionId, answer]) => ({
      questionId,
      answer,
    })),
  });

async function post(url: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

function expectStatus(step: string, res: { status: number; json: unknown }, want: number): void {
  if (res.status !== want) {
    throw new Error(`${step} answered ${res.status}, not ${want}: ${JSON.stringify(res.json)}`);
  }
}

/** The real server on a temporary data folder, with the bench's raised limits. */
/**
 * The real app and services on a temporary SQLite file, logging at info into /dev/null. The
 * bench's own per-address limits are raised out of the way unless `rateLimit` gives others.
 */
export async function startServer(
  dir: string,
  rateLimit: ServerSettings['http']['rateLimit'] = {
    windowSeconds: 60,
    maxRequests: 100_000,
    maxAttemptStarts: 10_000,
  },
) {
  const loaded = loadConfig({
    env: { DATA_DIR: dir },
    cwd: dir,
    development: true,
    purpose: 'server',
  });
  if (!loaded.ok) throw loaded.error;
  const base = loaded.value;
  const mail = base.core.mail;
  const settings: ServerSettings = {
    ...base,
    core: {
      ...base.core,
      mail: mail.kind === 'outbox' ? { ...mail, printCodes: false } : mail,
      security: {
        ...base.core.security,
        answers: { ...base.core.security.answers, maxWrongSubmissions: MAX_WRONG },
      },
    },
    http: { ...base.http, rateLimit },
  };
  // Production logs every /v1 request at info; the bench pays the same cost, into /dev/null.
  const logger = createLogger('info', pino.destination({ dest: '/dev/null', sync: false }));
  const services = await createServices(settings.core, { logger });
  const app = createApp({
    services,
    logger,
    http: settings.http,
    metrics: createMetrics({ processMetrics: false }),
    rateLimitStore: databaseRateLimitStores(services.database.db),
  });
  const running = await listen(app, { host: '127.0.0.1', port: 0, tls: undefined });
  const outbox = mail.kind === 'outbox' ? mail.dir : '';
  const codeFor = (email: string): string => {
    const files = readdirSync(outbox)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .reverse();
    for (const f of files) {
      const m = JSON.parse(readFileSync(join(outbox, f), 'utf8')) as { to: string; text: string };
      const code = /(?:Smartcard Unlock Code|Confirmation code): ([A-Z0-9 ]+)/.exec(m.text)?.[1];
      if (m.to === email && code !== undefined) return code.replace(/ /g, '');
    }
    throw new Error(`no code mailed to ${email}`);
  };
  return { running, services, settings, codeFor };
}

/** Imports, registers and proves a card; returns its proved unlock attempt's answers path. */
async function prepareCard(
  url: string,
  server: Awaited<ReturnType<typeof startServer>>,
  card: Card,
): Promise<string> {
  const imported = await server.services.admin.importCards(
    [
      {
        cardId: card.cardId,
        holderName: 'Bench Holder',
        email: card.email,
        pivAuthentication: card.spki['9A'],
        cardAuthentication: card.spki['9E'],
        puk: '31415926',
      },
    ],
    'admin:bench',
  );
  if (!imported.ok) throw new Error(`import failed: ${imported.error.code}`);
  const reg = await post(`${url}/v1/registration/attempts`, { cardId: card.cardId });
  expectStatus('registration start', reg, 201);
  const r = reg.json as { attemptId: string; nonce: string };
  const regBase = `${url}/v1/registration/attempts/${r.attemptId}`;
  expectStatus(
    'registration proof',
    await post(`${regBase}/card-proof`, {
      signature: proof(card, 'register', r.attemptId, r.nonce),
    }),
    200,
  );
  expectStatus(
    'registration answers',
    await post(`${regBase}/answers`, answerBody('Biscuit the Dog')),
    200,
  );
  expectStatus(
    'registration code',
    await post(`${regBase}/code`, { code: server.codeFor(card.email) }),
    204,
  );
  const start = await post(`${url}/v1/unlock/attempts`, { cardId: card.cardId });
  expectStatus('unlock start', start, 201);
  const u = start.json as { attemptId: string; nonce: string };
  const base = `/v1/unlock/attempts/${u.attemptId}`;
  expectStatus(
    'unlock proof',
    await post(`${url}${base}/card-proof`, {
      signature: proof(card, 'unlock', u.attemptId, u.nonce),
    }),
    200,
  );
  return `${base}/answers`;
}

/** A throughput and, for closed loops, the process's CPU time per operation (all its threads). */
interface Measure {
  readonly perSecond: number;
  readonly cpuMsPerOp?: number;
  /** The main thread's own CPU time per operation, where the system tells it (Linux). */
  readonly mainCpuMsPerOp?: number;
}

/**
 * Operations per second of `concurrency` closed loops, counted only once all run (after
 * `RAMP_SECONDS`) so neither the start nor the drain at the end bends the figure.
 */
async function closedLoop(
  concurrency: number,
  seconds: number,
  operation: (loop: number) => Promise<void>,
): Promise<Measure> {
  let done = 0;
  let stop = false;
  const loop = async (_: unknown, index: number) => {
    while (!stop) {
      await operation(index);
      done += 1;
    }
  };
  const loops = Promise.all(Array.from({ length: concurrency }, loop));
  await delay(RAMP_SECONDS * 1000);
  const [from, start, cpu, main] = [done, performance.now(), process.cpuUsage(), mainThreadCpuMs()];
  await delay(seconds * 1000);
  const [to, end, used, mainEnd] = [
    done,
    performance.now(),
    process.cpuUsage(cpu),
    mainThreadCpuMs(),
  ];
  stop = true;
  await loops;
  return {
    perSecond: (to - from) / ((end - start) / 1000),
    cpuMsPerOp: (used.user + used.system) / 1000 / Math.max(1, to - from),
    ...(main === undefined || mainEnd === undefined
      ? {}
      : { mainCpuMsPerOp: (mainEnd - main) / Math.max(1, to - from) }),
  };
}

/** Raw argon2id verifications per second, `concurrency` at a time, for `seconds`. */
async function rawVerificationsPerSecond(
  hasher: AnswerHasher,
  stored: string,
  concurrency: number,
  seconds: number,
): Promise<Measure> {
  return closedLoop(concurrency, seconds, async () => {
    await hasher.verify(stored, 'Rex');
  });
}

/**
 * Wrong-answer submissions per second over HTTP, one loop per connection, measured like the raw
 * baseline. (autocannon counts whole seconds from the first request and drops what is in flight
 * when its time is up: at a few submissions a second that bends the figure by a tenth or more.)
 */
async function answersPerSecond(
  url: string,
  next: () => string,
  seconds: number,
): Promise<Measure> {
  const body = answerBody('Rex');
  const connections = await Promise.all(
    Array.from({ length: CONNECTIONS }, () => rawConnection(url)),
  );
  try {
    // Each loop has its own connection, so a request never waits behind another one.
    return await closedLoop(CONNECTIONS, seconds, async (loop) => {
      const status = await connections[loop]!.request(next(), body);
      if (status !== 422) throw new Error(`answers: ${status}, not 422`);
    });
  } finally {
    for (const c of connections) c.close();
  }
}

/** Round-robin over the answer paths, each used at most MAX_WRONG times, so no card locks early. */
function answerPaths(paths: readonly string[]): () => string {
  let n = 0;
  return () => {
    const i = n++;
    if (i >= paths.length * MAX_WRONG) throw new Error('the bench ran out of prepared attempts');
    return paths[i % paths.length]!;
  };
}

async function cannon(opts: autocannon.Options): Promise<autocannon.Result> {
  return autocannon({ connections: CONNECTIONS, duration: SECONDS, ...opts });
}

/** Wrong-answer submissions at a fixed overall rate, for their latency. */
function answersAtRate(url: string, next: () => string, rate: number): Promise<autocannon.Result> {
  return cannon({
    url,
    duration: FIXED_RATE_SECONDS,
    overallRate: rate,
    requests: [
      {
        method: 'POST',
        path: '/',
        headers: { 'content-type': 'application/json' },
        body: answerBody('Rex'),
        setupRequest: (req) => ({ ...req, path: next() }),
      },
    ],
  });
}

function checkStatuses(name: string, result: autocannon.Result, want: number): void {
  const other = Object.entries(result.statusCodeStats ?? {}).filter(([s]) => Number(s) !== want);
  if (result.errors > 0 || result.timeouts > 0 || other.length > 0) {
    throw new Error(
      `${name}: ${result.errors} errors, ${result.timeouts} timeouts, other statuses ${JSON.stringify(Object.fromEntries(other))}`,
    );
  }
}

/** The median, lowest and highest of some figures. */
function spreadOf(values: readonly number[]): {
  readonly median: number;
  readonly low: number;
  readonly high: number;
} {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, low: sorted[0]!, high: sorted[sorted.length - 1]! };
}

/** Per-round figures of a baseline and the server, measured alternately. */
interface Paired {
  readonly baseline: readonly number[];
  readonly server: readonly number[];
  /** server / baseline, round by round. */
  readonly ratios: readonly number[];
  /** baseline CPU per unit / server CPU per unit, round by round, where both were measured. */
  readonly cpuRatios: readonly number[];
  /** The server side's main-thread CPU ms per operation, round by round, where measured. */
  readonly serverMainCpu: readonly number[];
}

/**
 * Measures the baseline and the server in `ROUNDS` interleaved rounds, after one short warm-up
 * of each. The order flips every round (AB, BA, AB...), so a load that rises or falls over the
 * run does not favour one side.
 */
async function interleaved(
  baseline: (seconds: number) => Promise<Measure>,
  server: (seconds: number) => Promise<Measure>,
): Promise<Paired> {
  await baseline(WARM_UP_SECONDS);
  await server(WARM_UP_SECONDS);
  const b: Measure[] = [];
  const s: Measure[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    if (round % 2 === 0) {
      b.push(await baseline(SECONDS));
      s.push(await server(SECONDS));
    } else {
      s.push(await server(SECONDS));
      b.push(await baseline(SECONDS));
    }
  }
  return {
    baseline: b.map((m) => m.perSecond),
    server: s.map((m) => m.perSecond),
    ratios: s.map((m, i) => m.perSecond / b[i]!.perSecond),
    cpuRatios: s.flatMap((m, i) => {
      const base = b[i]!.cpuMsPerOp;
      return base === undefined || m.cpuMsPerOp === undefined ? [] : [base / m.cpuMsPerOp];
    }),
    serverMainCpu: s.flatMap((m) => (m.mainCpuMsPerOp === undefined ? [] : [m.mainCpuMsPerOp])),
  };
}

/** One line for a pair: the median ratio, its spread and each round's ratio. */
function ratioLine(p: Paired, target: number, which: 'ratios' | 'cpuRatios' = 'ratios'): string {
  const ratios = p[which];
  const r = spreadOf(ratios);
  return `median ${r.median.toFixed(2)} (spread ${r.low.toFixed(2)}–${r.high.toFixed(2)}; rounds ${ratios.map((x) => x.toFixed(2)).join(' ')}) (target >= ${target})`;
}

/** Runs the server benchmark and prints its figures and ratios. */
export async function benchServer(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'scu-bench-server-'));
  const server = await startServer(dir);
  const bare = express();
  bare.get('/', (_req, res) => {
    res.json({ status: 'ok' });
  });
  const bareRunning: RunningServer = await listen(bare, {
    host: '127.0.0.1',
    port: 0,
    tls: undefined,
  });
  try {
    const url = server.running.url;
    const argon2 = server.settings.core.security.answers.argon2;
    const questions = Object.keys(ANSWERS).length;
    const hasher = new AnswerHasher(server.settings.core.keys.answerPepper, argon2);

    // A first look at raw argon2id sizes how many cards the answer runs need, with room to spare
    // for a quieter machine during the rounds.
    const stored = await hasher.hash('Biscuit the Dog');
    const probe = (await rawVerificationsPerSecond(hasher, stored, CONNECTIONS * questions, 1))
      .perSecond;
    const seconds = WARM_UP_SECONDS + ROUNDS * SECONDS + FIXED_RATE_SECONDS / 2;
    const needed = Math.ceil(((probe / questions) * seconds * 3) / MAX_WRONG) + CONNECTIONS;
    const cards = Array.from({ length: needed }, (_, i) => makeCard(i + 1));
    const paths: string[] = [];
    for (const card of cards) paths.push(await prepareCard(url, server, card));
    const next = answerPaths(paths);

    const answers = await interleaved(
      (s) => rawVerificationsPerSecond(hasher, stored, CONNECTIONS * questions, s),
      async (s) => {
        const m = await answersPerSecond(url, next, s);
        return {
          perSecond: m.perSecond * questions,
          cpuMsPerOp: m.cpuMsPerOp === undefined ? undefined : m.cpuMsPerOp / questions,
          // Per submission: what one request costs the event loop, client side included.
          mainCpuMsPerOp: m.mainCpuMsPerOp,
        };
      },
    );
    const health = await interleaved(
      async (s) => {
        const run = await cannon({ url: bareRunning.url, duration: s });
        checkStatuses('hello-world', run, 200);
        return { perSecond: run.requests.average };
      },
      async (s) => {
        const run = await cannon({ url: `${url}/healthz`, duration: s });
        checkStatuses('/healthz', run, 200);
        return { perSecond: run.requests.average };
      },
    );

    const capacity = spreadOf(answers.server).median / questions;
    const rate = Math.max(1, Math.floor(capacity / 2));
    const fixed = await answersAtRate(url, next, rate);
    checkStatuses('answers at a fixed rate', fixed, 422);

    const f = (x: number) => x.toFixed(1);
    const med = (xs: readonly number[]) => f(spreadOf(xs).median);
    console.log(
      `Verification server on loopback (${CONNECTIONS} connections; ${ROUNDS} interleaved rounds of ${SECONDS} s after a ${WARM_UP_SECONDS} s warm-up; argon2id ${argon2.memoryKiB} KiB, ${argon2.passes} passes, parallelism ${argon2.parallelism}; ${cards.length} cards prepared, lockout raised to ${MAX_WRONG}; load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} CPUs)`,
    );
    console.log(
      `  raw argon2id verifications:   median ${med(answers.baseline)}/s (${CONNECTIONS * questions} at a time)`,
    );
    console.log(
      `  wrong-answer submissions:     median ${f(spreadOf(answers.server).median / questions)}/s = ${med(answers.server)} verifications/s (${questions} per submission)`,
    );
    console.log(`    ratio to raw argon2id:      ${ratioLine(answers, 0.9)}`);
    console.log(
      `    by CPU time per verification (raw / server, whole process, client included): ${ratioLine(answers, 0.9, 'cpuRatios')}`,
    );
    if (answers.serverMainCpu.length > 0) {
      console.log(
        `    main-thread CPU per submission (HTTP, database, logging, client): median ${spreadOf(answers.serverMainCpu).median.toFixed(2)} ms`,
      );
    }
    console.log(`  GET /healthz:                 median ${med(health.server)}/s`);
    console.log(`  bare Express hello-world:     median ${med(health.baseline)}/s`);
    console.log(`    ratio:                      ${ratioLine(health, 0.5)}`);
    console.log(
      `  answers at ${rate}/s fixed:      p50 ${fixed.latency.p50} ms, p99 ${fixed.latency.p99} ms (${fixed.requests.total} requests in ${FIXED_RATE_SECONDS} s)`,
    );
  } finally {
    await bareRunning.close(1000);
    await server.running.close(1000);
    await server.services.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
