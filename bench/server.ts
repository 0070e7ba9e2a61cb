import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import express from 'express';
import { createApp } from '../server/app';
import { loadConfig, type ServerSettings } from '../server/config';
import { createServices } from '../server/domain/create-services';
import { createMetrics } from '../server/http/metrics';
import { listen, type RunningServer } from '../server/http/server';
import { createLogger } from '../server/logging';
import { AnswerHasher } from '../server/security/answer-hasher';
import { cardProofMessage, type ProofPurpose } from '../src/shared/card-identity';

/**
 * bench/server (issue 4), on loopback against the real app and services on a temporary SQLite
 * file: (1) answer submissions per second (each runs one argon2id verification per question)
 * against raw argon2id verifications per second with the same parameters and pepper (target
 * ratio 0.9); (2) /healthz against a bare Express hello-world (target 0.5); (3) p50 and p99
 * latency of answer submissions at a fixed rate, half the measured capacity.
 */

const SECONDS = 4;
const CONNECTIONS = 4;
const ANSWERS = { 'first-school': 'St Mary’s Primary', 'first-pet': 'Biscuit the Dog' };
// The bench raises the per-card lockout to the policy's maximum so each card takes ten wrong
// submissions (every one runs argon2id) before it locks; the per-address limits go to their maximum.
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
async function startServer(dir: string) {
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
    http: {
      ...base.http,
      rateLimit: { windowSeconds: 60, maxRequests: 100_000, maxAttemptStarts: 10_000 },
    },
  };
  const logger = createLogger('error');
  const services = await createServices(settings.core, { logger });
  const app = createApp({
    services,
    logger,
    http: settings.http,
    metrics: createMetrics({ processMetrics: false }),
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
      const code = /Smartcard Unlock Code: ([A-Z0-9 ]+)/.exec(m.text)?.[1];
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

/** Raw argon2id verifications per second, `concurrency` at a time, for `seconds`. */
async function rawVerificationsPerSecond(
  hasher: AnswerHasher,
  concurrency: number,
  seconds: number,
): Promise<number> {
  const stored = await hasher.hash('Biscuit the Dog');
  const end = performance.now() + seconds * 1000;
  let done = 0;
  const loop = async () => {
    while (performance.now() < end) {
      await hasher.verify(stored, 'Rex');
      done += 1;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, loop));
  return done / ((performance.now() - start) / 1000);
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

function answersRun(url: string, next: () => string, rate?: number): Promise<autocannon.Result> {
  return cannon({
    url,
    ...(rate === undefined ? {} : { overallRate: rate }),
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

    // Baseline first: it also sizes how many cards the answer runs need.
    const raw = await rawVerificationsPerSecond(hasher, CONNECTIONS * questions, SECONDS);
    const needed = Math.ceil(((raw / questions) * SECONDS * 1.5 * 3) / MAX_WRONG) + CONNECTIONS;
    const cards = Array.from({ length: needed }, (_, i) => makeCard(i + 1));
    const paths: string[] = [];
    for (const card of cards) paths.push(await prepareCard(url, server, card));
    const next = answerPaths(paths);

    const answers = await answersRun(url, next);
    checkStatuses('answers', answers, 422);
    const perVerification = (answers.requests.average * questions) / raw;

    const health = await cannon({ url: `${url}/healthz` });
    checkStatuses('/healthz', health, 200);
    const hello = await cannon({ url: bareRunning.url });
    checkStatuses('hello-world', hello, 200);

    const rate = Math.max(1, Math.floor(answers.requests.average / 2));
    const fixed = await answersRun(url, next, rate);
    checkStatuses('answers at a fixed rate', fixed, 422);

    const f = (x: number) => x.toFixed(1);
    console.log(
      `Verification server on loopback (${CONNECTIONS} connections, ${SECONDS} s runs; argon2id ${argon2.memoryKiB} KiB, ${argon2.passes} passes, parallelism ${argon2.parallelism}; ${cards.length} cards prepared, lockout raised to ${MAX_WRONG})`,
    );
    console.log(
      `  raw argon2id verifications:   ${f(raw)}/s (${CONNECTIONS * questions} at a time)`,
    );
    console.log(
      `  wrong-answer submissions:     ${f(answers.requests.average)}/s = ${f(answers.requests.average * questions)} verifications/s (${questions} per submission)`,
    );
    console.log(`    ratio to raw argon2id:      ${perVerification.toFixed(2)} (target >= 0.9)`);
    console.log(`  GET /healthz:                 ${f(health.requests.average)}/s`);
    console.log(`  bare Express hello-world:     ${f(hello.requests.average)}/s`);
    console.log(
      `    ratio:                      ${(health.requests.average / hello.requests.average).toFixed(2)} (target >= 0.5)`,
    );
    console.log(
      `  answers at ${rate}/s fixed:      p50 ${fixed.latency.p50} ms, p99 ${fixed.latency.p99} ms (${f(fixed.requests.average)}/s achieved)`,
    );
  } finally {
    await bareRunning.close(1000);
    await server.running.close(1000);
    await server.services.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
