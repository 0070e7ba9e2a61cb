import { randomBytes } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { appendAudit, listAudit } from '../../../../server/storage/audit-repository';
import {
  endAttempt,
  findAttempt,
  insertAttempt,
} from '../../../../server/storage/attempt-repository';
import { upsertCard } from '../../../../server/storage/card-repository';
import { kyselyConsoleSessionStore } from '../../../../server/storage/console-session-repository';
import { reservePukRelease } from '../../../../server/storage/puk-repository';
import { openDatabase } from '../../../../server/storage/database';
import { countHit } from '../../../../server/storage/rate-limit-repository';
import {
  countPurgeable,
  purgeExpired,
  retentionSettingsSchema,
} from '../../../../server/storage/retention';
import type { Database } from '../../../../server/storage/schema';
import { storageEngines } from '../../../support/storage-engines';

const { engines } = await storageEngines('retention', { poolSize: 4 });

const CARD = 'a'.repeat(32);
const NOW = new Date('2026-05-01T12:00:00.000Z');
const RETENTION = retentionSettingsSchema.parse({});
const daysAgo = (days: number, plusSeconds = 0): string =>
  new Date(NOW.getTime() - days * 86_400_000 + plusSeconds * 1000).toISOString();

/** An attempt created `createdDaysAgo` days before NOW that expires 15 minutes later. */
async function attempt(db: Kysely<Database>, id: string, createdDaysAgo: number): Promise<void> {
  await insertAttempt(db, {
    attemptId: id,
    kind: 'unlock',
    cardId: CARD,
    createdAt: daysAgo(createdDaysAgo),
    expiresAt: daysAgo(createdDaysAgo, 900),
    nonce: randomBytes(32).toString('base64url'),
    nonceExpiresAt: daysAgo(createdDaysAgo, 120),
  });
}

/** A card, attempts on both sides of the 30-day cut-off, windows, daily counts and audit rows. */
async function seed(db: Kysely<Database>): Promise<void> {
  await upsertCard(
    db,
    {
      cardId: CARD,
      holderName: 'Mr John Rigby',
      email: 'john.rigby@nhs.net',
      pivAuthDer: new Uint8Array([1]),
      cardAuthDer: new Uint8Array([2]),
      puk: { keyId: 'k1', ciphertext: new Uint8Array(randomBytes(40)) },
    },
    daysAgo(90),
  );
  // Ended 40 days ago: purged.
  await attempt(db, 'ended-old', 40);
  await endAttempt(db, 'ended-old', 'cancelled', daysAgo(40, 60));
  // Left open, expired 40 days ago (never marked ended): purged.
  await attempt(db, 'expired-old', 40);
  // Created 31 days ago but ended only 29 days ago, when it was touched after expiry: kept.
  await attempt(db, 'ended-late', 31);
  await endAttempt(db, 'ended-late', 'expired', daysAgo(29));
  // Ended yesterday: kept. Still running: kept.
  await attempt(db, 'ended-recent', 1);
  await endAttempt(db, 'ended-recent', 'cancelled', daysAgo(1, 60));
  await attempt(db, 'live', 0);
  // Windows that ended (purged) and the current one (kept).
  for (const [start, end] of [
    [daysAgo(2), daysAgo(2, 60)],
    [daysAgo(0, -120), daysAgo(0, -60)],
    [daysAgo(0, -30), daysAgo(0, 30)],
  ] as const) {
    await countHit(db, {
      limiter: 'requests',
      client: '203.0.113.7',
      windowStart: start,
      windowEnd: end,
    });
  }
  // PUK releases 40 days ago (purged) and yesterday (kept).
  await reservePukRelease(db, CARD, daysAgo(40).slice(0, 10), 3);
  await reservePukRelease(db, CARD, daysAgo(1).slice(0, 10), 3);
  // Console sessions ended idle and at their lifetime (purged), one live (kept); sign-ins likewise.
  const store = kyselyConsoleSessionStore(db);
  const operator = { id: 'console:desk.operator', name: 'Desk Operator', role: 'desk' } as const;
  for (const [idHash, idleEnd, end] of [
    ['idle', daysAgo(0, -60), daysAgo(0, 3600)],
    ['lifetime', daysAgo(0, 60), daysAgo(0, -1)],
    ['live', daysAgo(0, 60), daysAgo(0, 3600)],
  ] as const) {
    await store.insert({
      idHash,
      operator,
      createdAt: daysAgo(0, -3600),
      idleExpiresAt: idleEnd,
      expiresAt: end,
    });
  }
  for (const [idHash, end] of [
    ['old', daysAgo(0, -1)],
    ['new', daysAgo(0, 600)],
  ] as const) {
    await store.insertSignIn({
      idHash,
      state: 's',
      nonce: 'n',
      codeVerifier: 'v',
      returnTo: '/console/',
      expiresAt: end,
    });
  }
  await appendAudit(db, {
    at: daysAgo(40),
    cardId: CARD,
    attemptId: 'ended-old',
    action: 'unlock.start',
    outcome: 'ok',
    sourceAddress: '203.0.113.7',
    requestId: 'r-1',
  });
}

describe.each(engines)('the retention purge on %s', (_engine, fresh) => {
  it('when rows are past their retention, then a dry run counts exactly what the purge then deletes, and keeps the rest and the audit trail', async () => {
    const db = await openDatabase(await fresh());
    try {
      await seed(db.db);
      const expected = {
        attempts: 2,
        rateLimitWindows: 2,
        pukReleaseDays: 1,
        consoleSessions: 3,
        auditRows: null,
      };
      expect(await countPurgeable(db.db, NOW, RETENTION)).toEqual(expected);
      // The dry run deleted nothing.
      expect(await countPurgeable(db.db, NOW, RETENTION)).toEqual(expected);

      expect(await purgeExpired(db.db, NOW, RETENTION)).toEqual(expected);

      const left = await db.db
        .selectFrom('attempts')
        .select('attempt_id')
        .orderBy('attempt_id')
        .execute();
      expect(left.map((r) => r.attempt_id)).toEqual(['ended-late', 'ended-recent', 'live']);
      expect(await findAttempt(db.db, 'ended-old', 'unlock')).toBeUndefined();
      const windows = await db.db.selectFrom('rate_limits').select('window_end').execute();
      expect(windows.map((w) => w.window_end)).toEqual([daysAgo(0, 30)]);
      const days = await db.db.selectFrom('puk_releases').select('day').execute();
      expect(days.map((d) => d.day)).toEqual([daysAgo(1).slice(0, 10)]);
      expect(await listAudit(db.db, { limit: 10 })).toHaveLength(1);
      const sessions = await db.db.selectFrom('console_sessions').select('id_hash').execute();
      expect(sessions.map((r) => r.id_hash)).toEqual(['live']);
      const signIns = await db.db.selectFrom('console_sign_ins').select('id_hash').execute();
      expect(signIns.map((r) => r.id_hash)).toEqual(['new']);
      expect(await countPurgeable(db.db, NOW, RETENTION)).toEqual({
        attempts: 0,
        rateLimitWindows: 0,
        pukReleaseDays: 0,
        consoleSessions: 0,
        auditRows: null,
      });
    } finally {
      await db.close();
    }
  });

  it('when the retention is shorter, then more is purged; when thousands of attempts wait, then every batch goes', async () => {
    const db = await openDatabase(await fresh());
    try {
      await seed(db.db);
      const rows = Array.from({ length: 2_345 }, (_, i) => ({
        attempt_id: `bulk-${i}`,
        kind: 'register' as const,
        card_id: CARD,
        state: 'ended' as const,
        created_at: daysAgo(60),
        expires_at: daysAgo(60, 900),
        nonce: `n${i}`,
        nonce_expires_at: daysAgo(60, 120),
        sends: 1,
        code_tries: 0,
        code_hash: `h${i}`,
        ended_at: daysAgo(60, 300),
        end_reason: 'confirmed',
      }));
      for (let i = 0; i < rows.length; i += 500) {
        await db.db
          .insertInto('attempts')
          .values(rows.slice(i, i + 500))
          .execute();
      }
      const counts = await purgeExpired(db.db, NOW, { endedAttemptDays: 1 });
      // The bulk rows, the two old ones and the one that ended 29 days ago; yesterday's stays.
      expect(counts.attempts).toBe(2_345 + 3);
      const left = await db.db
        .selectFrom('attempts')
        .select('attempt_id')
        .orderBy('attempt_id')
        .execute();
      expect(left.map((r) => r.attempt_id)).toEqual(['ended-recent', 'live']);
    } finally {
      await db.close();
    }
  });

  it('when retention.auditDays is set, then the purge counts and deletes only audit rows older than that, and leaves a row saying so', async () => {
    const db = await openDatabase(await fresh());
    try {
      for (const days of [400, 91, 89, 1]) await auditRow(db.db, daysAgo(days), `d${days}`);
      const retention = retentionSettingsSchema.parse({ auditDays: 90 });
      expect((await countPurgeable(db.db, NOW, retention)).auditRows).toBe(2);
      expect((await purgeExpired(db.db, NOW, retention)).auditRows).toBe(2);
      const left = await listAudit(db.db, { limit: 10 });
      expect(left.map((e) => e.requestId)).toEqual([null, 'd1', 'd89']);
      expect(left[0]).toMatchObject({
        at: NOW.toISOString(),
        action: 'retention.audit-purge',
        outcome: 'ok',
        detail: `deleted=2;before=${daysAgo(90)}`,
      });
      // Nothing more is due; the purge's cut-off is cleared again.
      expect(await purgeExpired(db.db, NOW, retention)).toMatchObject({ auditRows: 0 });
      expect(await listAudit(db.db, { limit: 10 })).toHaveLength(3);
      const control = await db.db.selectFrom('audit_purge_control').selectAll().execute();
      expect(control).toEqual([{ id: 1, purge_before: null }]);
    } finally {
      await db.close();
    }
  });

  it('when retention.auditDays is not set, then every audit row is kept, however old', async () => {
    const db = await openDatabase(await fresh());
    try {
      for (const days of [4000, 400, 1]) await auditRow(db.db, daysAgo(days), `d${days}`);
      expect(RETENTION.auditDays).toBeNull();
      expect((await countPurgeable(db.db, NOW, RETENTION)).auditRows).toBeNull();
      expect((await purgeExpired(db.db, NOW, RETENTION)).auditRows).toBeNull();
      expect(await purgeExpired(db.db, NOW, { endedAttemptDays: 1 })).toMatchObject({
        auditRows: null,
      });
      expect(await listAudit(db.db, { limit: 10 })).toHaveLength(3);
    } finally {
      await db.close();
    }
  });

  it('when thousands of audit rows are due, then they go in batches, each leaving its own row', async () => {
    const db = await openDatabase(await fresh());
    try {
      const rows = Array.from({ length: 2_345 }, (_, i) => ({
        at: daysAgo(500, i),
        card_id: CARD,
        attempt_id: null,
        action: 'unlock.start',
        outcome: 'ok',
        source_address: '203.0.113.7',
        request_id: `bulk-${i}`,
        detail: null,
      }));
      for (let i = 0; i < rows.length; i += 500) {
        await db.db
          .insertInto('audit_log')
          .values(rows.slice(i, i + 500))
          .execute();
      }
      await auditRow(db.db, daysAgo(10), 'recent');
      const counts = await purgeExpired(db.db, NOW, { endedAttemptDays: 30, auditDays: 30 });
      expect(counts.auditRows).toBe(2_345);
      const left = await listAudit(db.db, { limit: 100 });
      expect(left.filter((e) => e.action === 'retention.audit-purge').map((e) => e.detail)).toEqual(
        ['deleted=345', 'deleted=1000', 'deleted=1000'].map((d) => `${d};before=${daysAgo(30)}`),
      );
      expect(left.filter((e) => e.action !== 'retention.audit-purge')).toEqual([
        expect.objectContaining({ requestId: 'recent' }),
      ]);
    } finally {
      await db.close();
    }
  });

  it('when audit rows are deleted outside the purge, even old ones, or changed, then the database refuses', async () => {
    const db = await openDatabase(await fresh());
    try {
      await auditRow(db.db, daysAgo(400), 'old');
      await expect(sql`DELETE FROM audit_log`.execute(db.db)).rejects.toThrow(/append-only/);
      await expect(
        sql`DELETE FROM audit_log WHERE at < ${daysAgo(90)}`.execute(db.db),
      ).rejects.toThrow(/append-only/);
      await expect(sql`UPDATE audit_log SET outcome = 'changed'`.execute(db.db)).rejects.toThrow(
        /append-only/,
      );
      // A cut-off set outside a purge's transaction, then a plain delete, in one transaction:
      // later than the row it is not, so the row stays.
      await expect(
        db.db.transaction().execute(async (trx) => {
          await trx
            .updateTable('audit_purge_control')
            .set({ purge_before: daysAgo(500) })
            .execute();
          await sql`DELETE FROM audit_log`.execute(trx);
        }),
      ).rejects.toThrow(/append-only/);
      // The purge itself, with its cut-off before the row, deletes nothing.
      expect(
        (await purgeExpired(db.db, NOW, { endedAttemptDays: 30, auditDays: 500 })).auditRows,
      ).toBe(0);
      expect(await listAudit(db.db, { limit: 10 })).toHaveLength(1);
    } finally {
      await db.close();
    }
  });

  it('when a session writes a far cut-off in its own transaction, then rows younger than 30 days by the database clock are still refused', async () => {
    const db = await openDatabase(await fresh());
    try {
      // A row written now (real time, as the database's clock sees it), not on the test clock.
      await auditRow(db.db, new Date().toISOString(), 'recent');
      await expect(
        db.db.transaction().execute(async (trx) => {
          await trx
            .updateTable('audit_purge_control')
            .set({ purge_before: '9999-12-31T00:00:00.000Z' })
            .execute();
          await sql`DELETE FROM audit_log`.execute(trx);
        }),
      ).rejects.toThrow(/append-only/);
      expect(await listAudit(db.db, { limit: 10 })).toHaveLength(1);
    } finally {
      await db.close();
    }
  });

  it('when a cut-off was left set by another transaction, then a plain delete is still refused on PostgreSQL', async (context) => {
    const storage = await fresh();
    if (storage.kind !== 'postgres') {
      // SQLite has no transaction ids to tell who wrote the cut-off; the purge clears it in the
      // same transaction, and setting it by hand is as deliberate as dropping the trigger.
      context.skip();
      return;
    }
    const db = await openDatabase(storage);
    try {
      await auditRow(db.db, daysAgo(400), 'old');
      await db.db
        .updateTable('audit_purge_control')
        .set({ purge_before: daysAgo(0) })
        .execute();
      await expect(sql`DELETE FROM audit_log`.execute(db.db)).rejects.toThrow(/append-only/);
      await expect(sql`TRUNCATE audit_log`.execute(db.db)).rejects.toThrow(/append-only/);
      expect(await listAudit(db.db, { limit: 10 })).toHaveLength(1);
    } finally {
      await db.close();
    }
  });
});

/** One audit row at `at`, told apart by its request id. */
async function auditRow(db: Kysely<Database>, at: string, requestId: string): Promise<void> {
  await appendAudit(db, {
    at,
    cardId: CARD,
    attemptId: null,
    action: 'unlock.start',
    outcome: 'ok',
    sourceAddress: '203.0.113.7',
    requestId,
  });
}
