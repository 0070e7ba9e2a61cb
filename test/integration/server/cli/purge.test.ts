import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appendAudit, listAudit } from '../../../../server/storage/audit-repository';
import { endAttempt, insertAttempt } from '../../../../server/storage/attempt-repository';
import { upsertCard } from '../../../../server/storage/card-repository';
import { openDatabase } from '../../../../server/storage/database';
import type { StorageSettings } from '../../../../server/storage/storage-settings';
import { startPostgres } from '../../../support/postgres';
import { runAdminInProcess } from '../../../support/admin-cli';

const dir = mkdtempSync(join(tmpdir(), 'scu-purge-cli-'));
const pg = await startPostgres();
let n = 0;
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  if (pg.available) await pg.server.stop();
});

const key = (b: number) => Buffer.alloc(32, b).toString('base64');

/** A data folder and the environment that points the CLI at one fresh database. */
type Engine = () => Promise<{ env: Record<string, string>; storage: StorageSettings }>;

const base = (name: string) => ({
  DATA_DIR: join(dir, name),
  SCU_KEY_ENCRYPTION_KEYS: `k1=${key(1)}`,
  SCU_ACTIVE_KEY_ID: 'k1',
  SCU_ANSWER_PEPPER: key(2),
});
const engines: [string, Engine][] = [
  [
    'SQLite (a real file)',
    () => {
      const name = `s${++n}`;
      mkdirSync(join(dir, name));
      return Promise.resolve({
        env: base(name),
        storage: {
          kind: 'sqlite',
          file: join(dir, name, 'smartcard-unlock.sqlite'),
          busyTimeoutMs: 5000,
        },
      });
    },
  ],
];
if (pg.available) {
  const { server } = pg;
  engines.push([
    'PostgreSQL (a private cluster)',
    async () => {
      const url = await server.createDatabase(`purge_cli_${++n}`);
      return {
        env: { ...base(`p${n}`), DATABASE_URL: url },
        storage: {
          kind: 'postgres',
          url,
          poolSize: 2,
          connectTimeoutMs: 3000,
          statementTimeoutMs: 5000,
        },
      };
    },
  ]);
} else {
  describe('the purge command on PostgreSQL', () => it.skip(`skipped: ${pg.reason}`, () => {}));
}

/** Runs the CLI in-process on the real services, in the test's folder. */
const admin = (env: Record<string, string>, ...argv: string[]) =>
  runAdminInProcess(dir, env, ...argv);

/** Two attempts that ended 40 days ago and one that ended today. */
async function seed(storage: StorageSettings): Promise<void> {
  const db = await openDatabase(storage);
  const cardId = 'c'.repeat(32);
  const ago = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
  try {
    await upsertCard(
      db.db,
      {
        cardId,
        holderName: 'Mr John Rigby',
        email: 'john.rigby@nhs.net',
        pivAuthDer: new Uint8Array([1]),
        cardAuthDer: new Uint8Array([2]),
        puk: { keyId: 'k1', ciphertext: new Uint8Array(randomBytes(40)) },
      },
      ago(90),
    );
    for (const [id, days] of [
      ['old-1', 40],
      ['old-2', 40],
      ['today', 0],
    ] as const) {
      await insertAttempt(db.db, {
        attemptId: id,
        kind: 'unlock',
        cardId,
        createdAt: ago(days),
        expiresAt: ago(days - 0.01),
        nonce: randomBytes(32).toString('base64url'),
        nonceExpiresAt: ago(days - 0.001),
      });
      await endAttempt(db.db, id, 'cancelled', ago(days));
    }
  } finally {
    await db.close();
  }
}

async function attemptsLeft(storage: StorageSettings): Promise<string[]> {
  const db = await openDatabase(storage);
  try {
    const rows = await db.db
      .selectFrom('attempts')
      .select('attempt_id')
      .orderBy('attempt_id')
      .execute();
    return rows.map((r) => r.attempt_id);
  } finally {
    await db.close();
  }
}

describe.each(engines)('npm run admin -- purge on %s', (_engine, fresh) => {
  it('when --dry-run is given, then it prints what would go and deletes nothing; without it, it deletes that and audits it', async () => {
    const { env, storage } = await fresh();
    await seed(storage);

    const dry = await admin(env, 'purge', '--dry-run');
    expect(dry.status, dry.err).toBe(0);
    expect(dry.out).toContain('Would delete 2 finished attempts');
    expect(dry.out).toContain('dry run: nothing was deleted');
    expect(await attemptsLeft(storage)).toEqual(['old-1', 'old-2', 'today']);

    const real = await admin(env, 'purge', '--actor', 'it.ops');
    expect(real.status, real.err).toBe(0);
    expect(real.out).toContain('Deleted 2 finished attempts (with their nonces and code hashes)');
    expect(real.out).toContain('Deleted 0 ended rate-limit windows');
    expect(real.out).toContain('The audit trail is kept: retention.auditDays is not set.');
    expect(await attemptsLeft(storage)).toEqual(['today']);

    const db = await openDatabase(storage);
    try {
      const [entry] = await listAudit(db.db, { limit: 1 });
      expect(entry).toMatchObject({
        action: 'admin.purge',
        outcome: 'ok',
        sourceAddress: 'admin:it.ops',
        detail: 'attempts=2;rateLimitWindows=0;pukReleaseDays=0;consoleSessions=0;auditRows=kept',
      });
    } finally {
      await db.close();
    }
  });

  it('when retention.auditDays is set, then a dry run counts the audit rows older than that, and the purge deletes them and says so in the trail', async () => {
    const { env, storage } = await fresh();
    await seed(storage);
    const ago = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
    const db = await openDatabase(storage);
    try {
      for (const [days, requestId] of [
        [400, 'old-1'],
        [200, 'old-2'],
        [10, 'recent'],
      ] as const) {
        await appendAudit(db.db, {
          at: ago(days),
          cardId: null,
          attemptId: null,
          action: 'unlock.start',
          outcome: 'ok',
          sourceAddress: '203.0.113.7',
          requestId,
        });
      }
    } finally {
      await db.close();
    }
    const file = join(dir, `audit-days-${n}.json`);
    writeFileSync(file, JSON.stringify({ retention: { auditDays: 180 } }));

    const dry = await admin(env, 'purge', '--dry-run', '--config', file);
    expect(dry.status, dry.err).toBe(0);
    expect(dry.out).toContain('Would delete 2 audit rows older than retention.auditDays');
    const real = await admin(env, 'purge', '--config', file, '--actor', 'it.ops');
    expect(real.status, real.err).toBe(0);
    expect(real.out).toContain('Deleted 2 audit rows older than retention.auditDays');

    const after = await openDatabase(storage);
    try {
      const trail = await listAudit(after.db, { limit: 10 });
      expect(trail.map((e) => e.action)).toEqual([
        'admin.purge',
        'retention.audit-purge',
        'unlock.start',
      ]);
      expect(trail[0]?.detail).toBe(
        'attempts=2;rateLimitWindows=0;pukReleaseDays=0;consoleSessions=0;auditRows=2',
      );
      expect(trail[1]?.detail).toMatch(/^deleted=2;before=/);
      expect(trail[2]?.requestId).toBe('recent');
    } finally {
      await after.close();
    }
  });
});

describe('npm run admin -- purge settings', () => {
  it('when the retention setting is not valid, then it exits 78 naming the setting', async () => {
    const { env } = await engines[0]![1]();
    const file = join(dir, 'bad-retention.json');
    writeFileSync(file, JSON.stringify({ retention: { endedAttemptDays: 0 } }));
    const result = await admin(env, 'purge', '--config', file);
    expect(result.status).toBe(78);
    expect(result.err).toContain('retention.endedAttemptDays');
  });
});
