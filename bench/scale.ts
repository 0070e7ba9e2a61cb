import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { loadConfig } from '../server/config';
import { createServices } from '../server/create-services';
import { KeyRing } from '../server/security/key-ring';
import { kyselyRepositories } from '../server/storage/repositories';
import { startAttemptResponseSchema } from '../src/shared/http-api';
import { startPostgres, type PostgresServer } from '../test/support/postgres';
import { spawnServer, type ServerProcess } from '../test/support/server-process';
import { startSmtpServer, type TestSmtpServer } from '../test/support/smtp';
import { proofFor } from '../test/integration/server/support/real-server';
import {
  HANG_MS,
  Mailboxes,
  makeHolders,
  REGISTRATION_ANSWERS,
  unlockAsHolder,
  type HolderRecord,
  type ScriptedHolder,
} from './scale-holders';

/**
 * bench/scale: two server processes on one PostgreSQL against one, with a few hundred scripted
 * holders unlocking at once; then the same with PostgreSQL stopped and started again mid-run. After
 * each run the database is checked against what every holder was told (docs/benchmarks.md).
 */

const TARGET_RATIO = 0.9;
/** `--holders=N`: scripted holders per run. */
const HOLDERS = Math.max(
  20,
  Number(process.argv.find((a) => a.startsWith('--holders='))?.slice(10)) || 300,
);
/** Every tenth holder answers wrong until self-service locks: the lockouts to count. */
const WRONG_EVERY = 10;
/** `--rounds=N`: one-instance and two-instance runs, alternated. */
const ROUNDS = Math.max(
  1,
  Number(process.argv.find((a) => a.startsWith('--rounds='))?.slice(9)) || 2,
);
/** The database stays stopped this long once both instances report it missing. */
const OUTAGE_MS = 5_000;
const MAX_WRONG = 3;
const ROOT = join(import.meta.dirname, '..');

/** The keys every instance shares: a PUK sealed by one is opened by the other. */
interface SharedKeys {
  readonly keyEncryptionKeys: string;
  readonly answerPepper: string;
}

/** One running server instance and its addresses. */
interface Instance {
  readonly process: ServerProcess;
  readonly url: string;
  readonly operatorUrl: string;
}

/** What one run measured and found. */
interface RunReport {
  readonly instances: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly records: readonly HolderRecord[];
  readonly problems: readonly string[];
}

/** Starts a server process as IT runs it (`node` with tsx, as `npm run server`), on `database`. */
async function startInstance(
  name: string,
  dir: string,
  configFile: string,
  database: string,
  keys: SharedKeys,
): Promise<Instance> {
  const started = spawnServer(process.execPath, ['--import', 'tsx', 'server/index.ts', '--dev'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      DATA_DIR: join(dir, name),
      SCU_CONFIG: configFile,
      PORT: '0',
      DATABASE_URL: database,
      SCU_KEY_ENCRYPTION_KEYS: keys.keyEncryptionKeys,
      SCU_ACTIVE_KEY_ID: 'main',
      SCU_ANSWER_PEPPER: keys.answerPepper,
    },
  });
  const line = await started.listened();
  if (line.operatorUrl === undefined) throw new Error(`instance ${name}: no operator listener`);
  return { process: started, url: line.url, operatorUrl: line.operatorUrl };
}

async function stopInstances(instances: readonly Instance[]): Promise<void> {
  for (const instance of instances) instance.process.kill('SIGTERM');
  await Promise.all(instances.map((i) => i.process.exit));
}

async function post(
  url: string,
  from: string,
  body: unknown,
): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  const json: unknown = text === '' ? undefined : JSON.parse(text);
  if (res.status >= 300) throw new Error(`${url}: ${res.status} ${text}`);
  return { status: res.status, json };
}

/**
 * The database every run copies: migrated, the holders imported with their PUKs, and each one
 * registered through a server instance (their answers hashed as live).
 */
async function prepareTemplate(
  pg: PostgresServer,
  holders: readonly ScriptedHolder[],
  dir: string,
  configFile: string,
  keys: SharedKeys,
  mailboxes: Mailboxes,
): Promise<void> {
  const url = await pg.createDatabase('scale_template');
  const runtime = await createServices(settingsFor(url, keys, dir).core);
  try {
    const imported = await runtime.admin.importCards(
      holders.map((h) => ({
        cardId: h.cardId,
        holderName: 'Scale Holder',
        email: h.email,
        pivAuthentication: h.spki['9A'],
        cardAuthentication: h.spki['9E'],
        puk: h.puk,
      })),
      'admin:bench',
    );
    if (!imported.ok) throw new Error(`import failed: ${imported.error.code}`);
  } finally {
    await runtime.close();
  }
  const instance = await startInstance('prepare', dir, configFile, url, keys);
  try {
    const base = `${instance.url}/v1/registration/attempts`;
    // Four at a time: registration hashes each answer, and there is nothing to measure yet.
    for (let i = 0; i < holders.length; i += 4) {
      await Promise.all(
        holders.slice(i, i + 4).map(async (h) => {
          const { json } = await post(base, h.address, { cardId: h.cardId });
          const { attemptId, nonce } = startAttemptResponseSchema.parse(json);
          const signature = proofFor(h, 'register', attemptId, nonce);
          await post(`${base}/${attemptId}/card-proof`, h.address, { signature });
          const before = mailboxes.count(h.email);
          await post(`${base}/${attemptId}/answers`, h.address, REGISTRATION_ANSWERS);
          const code = await mailboxes.codeAfter(h.email, before);
          await post(`${base}/${attemptId}/code`, h.address, { code });
        }),
      );
    }
  } finally {
    await stopInstances([instance]);
  }
}

/** The server's settings on `database` with the shared keys, for the bench's own reads. */
function settingsFor(database: string, keys: SharedKeys, dir: string) {
  const loaded = loadConfig({
    env: {
      DATA_DIR: join(dir, 'bench'),
      DATABASE_URL: database,
      SCU_KEY_ENCRYPTION_KEYS: keys.keyEncryptionKeys,
      SCU_ACTIVE_KEY_ID: 'main',
      SCU_ANSWER_PEPPER: keys.answerPepper,
    },
    cwd: dir,
    development: true,
    purpose: 'admin',
  });
  if (!loaded.ok) throw loaded.error;
  return loaded.value;
}

/** Polls every instance's /readyz and keeps each change, with its time from `since`. */
function watchReadiness(instances: readonly Instance[], since: number) {
  const changes: { instance: number; status: number; atMs: number }[] = [];
  const last = instances.map(() => 0);
  let running = true;
  const loops = instances.map(async (instance, n) => {
    while (running) {
      let status: number;
      try {
        const res = await fetch(`${instance.operatorUrl}/readyz`, {
          signal: AbortSignal.timeout(HANG_MS),
        });
        status = res.status;
        await res.arrayBuffer();
      } catch {
        status = -1;
      }
      if (status !== last[n]) {
        last[n] = status;
        changes.push({ instance: n, status, atMs: performance.now() - since });
      }
      await delay(100);
    }
  });
  return {
    changes,
    /** Resolves once every instance's readiness answers `status`. */
    async all(status: number): Promise<number> {
      while (!last.every((s) => s === status)) await delay(50);
      return performance.now() - since;
    },
    async stop(): Promise<void> {
      running = false;
      await Promise.all(loops);
    },
  };
}

/** Runs every holder at once over `instances`, round robin; with `fault`, stops PostgreSQL midway. */
async function run(
  label: string,
  pg: PostgresServer,
  count: number,
  holders: readonly ScriptedHolder[],
  context: { dir: string; configFile: string; keys: SharedKeys; mailboxes: Mailboxes },
  fault: boolean,
): Promise<RunReport> {
  await pg.query(pg.url, `CREATE DATABASE scale_${label} TEMPLATE scale_template`);
  const database = pg.url.replace(/\/postgres$/, `/scale_${label}`);
  // Each run's holders start from the PUKs the template holds.
  const runHolders = holders.map((h) => ({ ...h }));
  const { dir, configFile, keys, mailboxes } = context;
  const instances = await Promise.all(
    Array.from({ length: count }, (_, n) =>
      startInstance(`${label}-${n}`, dir, configFile, database, keys),
    ),
  );
  const problems: string[] = [];
  try {
    const began = performance.now();
    const readiness = watchReadiness(instances, began);
    let finished = 0;
    const outage = fault
      ? (async () => {
          // A quarter of the holders through first, so the outage lands mid-flow for the rest.
          while (finished < runHolders.length / 4) await delay(20);
          const stoppedAt = performance.now() - began;
          await pg.pause();
          const reportedAt = await readiness.all(503);
          await delay(OUTAGE_MS);
          await pg.start();
          const startedAt = performance.now() - began;
          const readyAt = await readiness.all(200);
          return { stoppedAt, reportedAt, startedAt, readyAt };
        })()
      : Promise.resolve(undefined);
    const records = await Promise.all(
      runHolders.map(async (holder, i) => {
        const record = await unlockAsHolder(
          holder,
          instances[i % instances.length]!.url,
          mailboxes,
        );
        finished += 1;
        return record;
      }),
    );
    const seconds = (performance.now() - began) / 1000;
    const times = await outage;
    await readiness.stop();
    if (times !== undefined) {
      const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
      const tryAgain = records.reduce((n, r) => n + r.tryAgain, 0);
      const slowest = records.reduce((a, r) => (r.slowest.ms > a.ms ? r.slowest : a), {
        ms: 0,
        what: '',
      });
      const reasons = new Map<string, number>();
      for (const why of records.flatMap((r) => r.startedAgain)) {
        reasons.set(why, (reasons.get(why) ?? 0) + 1);
      }
      console.log(
        `  outage: PostgreSQL stopped at ${s(times.stoppedAt)}; both /readyz 503 by ${s(times.reportedAt)}; started at ${s(times.startedAt)}; both /readyz 200 by ${s(times.readyAt)} (${s(times.readyAt - times.startedAt)} after)`,
      );
      console.log(
        `  holders told "try again" (503 SERVICE_UNAVAILABLE, Retry-After): ${tryAgain} times; slowest answer ${slowest.ms.toFixed(0)} ms (${slowest.what}; a hang is ${HANG_MS / 1000} s)`,
      );
      const why = [...reasons].map(([reason, n]) => `${reason} ×${n}`).join(', ');
      console.log(
        `  started again from the card: ${records.filter((r) => r.starts > 1).length} holders (${why || 'none'})`,
      );
      const changes = readiness.changes.map(
        (c) => `${String.fromCharCode(65 + c.instance)} ${c.status} at ${s(c.atMs)}`,
      );
      console.log(`  readiness: ${changes.join(', ')}`);
      if (!readiness.changes.some((c) => c.status === 503)) problems.push('readiness never 503');
    }
    problems.push(...(await audit(database, runHolders, records, keys, dir)));
    return {
      instances: count,
      seconds,
      perSecond: records.filter((r) => r.result !== 'failed').length / seconds,
      records,
      problems,
    };
  } finally {
    await stopInstances(instances);
  }
}

/**
 * After a run: every holder finished, no PUK release lost or doubled, the lockouts exactly the
 * holders who answered wrong, each chip's PUK one the server holds, and every answer a holder was
 * given in the audit trail. Returns what is wrong, empty when nothing is.
 */
async function audit(
  database: string,
  holders: readonly ScriptedHolder[],
  records: readonly HolderRecord[],
  keys: SharedKeys,
  dir: string,
): Promise<string[]> {
  const problems: string[] = [];
  const runtime = await createServices(settingsFor(database, keys, dir).core);
  try {
    const db = runtime.database.db;
    const ring = new KeyRing(settingsFor(database, keys, dir).core.keys);
    const sealed = new Map(
      (await kyselyRepositories(db).cards.listSealedPuks()).map((c) => [c.cardId, c]),
    );
    const failures = new Map(
      (await db.selectFrom('cards').select(['card_id', 'failures']).execute()).map((r) => [
        r.card_id,
        r.failures,
      ]),
    );
    const releases = new Map<string, number>();
    for (const r of await db.selectFrom('puk_releases').select(['card_id', 'releases']).execute()) {
      releases.set(r.card_id, (releases.get(r.card_id) ?? 0) + r.releases);
    }
    const rows = await db
      .selectFrom('audit_log')
      .select(['attempt_id', 'action', 'outcome'])
      .where('action', 'like', 'unlock.%')
      .execute();
    const audited = new Map<string, number>();
    for (const r of rows) {
      const key = `${r.attempt_id} ${r.action} ${r.outcome}`;
      audited.set(key, (audited.get(key) ?? 0) + 1);
    }
    let pending = 0;
    holders.forEach((holder, i) => {
      const record = records[i]!;
      const who = `holder ${i}`;
      for (const problem of record.unexpected) problems.push(`${who}: ${problem}`);
      const want = holder.answersWrong ? 'locked' : 'unlocked';
      if (record.result !== want) problems.push(`${who}: ${record.result}, not ${want}`);
      const locked = (failures.get(holder.cardId) ?? 0) >= MAX_WRONG;
      if (locked !== holder.answersWrong) {
        problems.push(`${who}: ${locked ? 'locked' : 'not locked'} (failures wrong)`);
      }
      const released = releases.get(holder.cardId) ?? 0;
      if (released !== record.releasedTo.size) {
        problems.push(`${who}: ${released} releases counted, ${record.releasedTo.size} received`);
      }
      if (record.releasedTo.size > 1) problems.push(`${who}: a PUK released twice`);
      const card = sealed.get(holder.cardId);
      const current = card === undefined ? undefined : ring.open(holder.cardId, card.puk);
      const next = card?.pendingPuk == null ? undefined : ring.open(holder.cardId, card.pendingPuk);
      if (holder.puk === next) pending += 1;
      else if (holder.puk !== current) problems.push(`${who}: the chip's PUK is not the server's`);
      const counted = new Map<string, number>();
      for (const a of record.acknowledged) {
        const key = `${a.attemptId} ${a.action} ${a.outcome}`;
        counted.set(key, (counted.get(key) ?? 0) + 1);
      }
      for (const [key, n] of counted) {
        if ((audited.get(key) ?? 0) < n) problems.push(`${who}: not in the audit trail: ${key}`);
      }
    });
    if (pending > 0) {
      console.log(`  ${pending} rotations left pending (the next visit resumes them)`);
    }
  } finally {
    await runtime.close();
  }
  return problems;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function describe(report: RunReport): string {
  const by = (result: string) => report.records.filter((r) => r.result === result).length;
  const verdict = report.problems.length === 0 ? 'checks PASS' : 'checks FAIL';
  return `${report.instances} instance${report.instances === 1 ? ' ' : 's'}: ${report.seconds.toFixed(1)} s, ${report.perSecond.toFixed(1)} holders/s (${by('unlocked')} unlocked, ${by('locked')} locked out); ${verdict}`;
}

/** `npm run bench -- scale`. */
export async function benchScale(): Promise<void> {
  const available = await startPostgres();
  if (!available.available) {
    if (process.env.CI) throw new Error(`bench/scale cannot run: ${available.reason}`);
    console.log(`bench/scale skipped: ${available.reason}.`);
    return;
  }
  const pg = available.server;
  const dir = mkdtempSync(join(tmpdir(), 'scu-scale-'));
  let smtp: TestSmtpServer | undefined;
  try {
    smtp = await startSmtpServer();
    const mailboxes = new Mailboxes(smtp);
    const configFile = join(dir, 'config.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        logLevel: 'info',
        // Each holder's workstation has its own address (X-Forwarded-For from loopback).
        http: { trustProxy: 1 },
        security: { answers: { maxWrongSubmissions: MAX_WRONG } },
        mail: {
          kind: 'smtp',
          host: '127.0.0.1',
          port: smtp.port,
          requireStartTls: false,
          from: 'smartcard-unlock@trust.nhs.net',
        },
      }),
    );
    const keys: SharedKeys = {
      keyEncryptionKeys: `main=${randomBytes(32).toString('base64')}`,
      answerPepper: randomBytes(32).toString('base64'),
    };
    const holders = makeHolders(HOLDERS, WRONG_EVERY);
    console.log(
      `bench/scale: ${HOLDERS} holders (every ${WRONG_EVERY}th answers wrong until locked), ${availableParallelism()} cores, load ${loadavg()[0]!.toFixed(1)}; preparing…`,
    );
    await prepareTemplate(pg, holders, dir, configFile, keys, mailboxes);
    const context = { dir, configFile, keys, mailboxes };
    const ones: number[] = [];
    const twos: number[] = [];
    let failed = false;
    for (let round = 0; round < ROUNDS; round += 1) {
      // Alternated, so a busy spell on the machine does not fall on one side only.
      const order = round % 2 === 0 ? [1, 2] : [2, 1];
      for (const count of order) {
        const report = await run(`r${round}_${count}`, pg, count, holders, context, false);
        (count === 1 ? ones : twos).push(report.perSecond);
        console.log(`  round ${round + 1}, ${describe(report)}`);
        for (const p of report.problems.slice(0, 10)) console.log(`    ${p}`);
        failed ||= report.problems.length > 0;
      }
    }
    const ratio = median(twos) / median(ones);
    console.log(
      `  two instances ÷ one: ${ratio.toFixed(2)} (each round ${twos.map((t, i) => (t / ones[i]!).toFixed(2)).join(', ')}; target ≥ ${TARGET_RATIO}) ${ratio >= TARGET_RATIO ? 'PASS' : 'FAIL'}`,
    );
    console.log('  with PostgreSQL stopped and started again mid-run:');
    const faulted = await run('fault', pg, 2, holders, context, true);
    console.log(`  ${describe(faulted)}`);
    for (const p of faulted.problems.slice(0, 10)) console.log(`    ${p}`);
    failed ||= faulted.problems.length > 0;
    if (failed) throw new Error('bench/scale: a run lost, doubled or left out something (above)');
  } finally {
    await smtp?.stop();
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
