import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { appendAudit, listAudit } from '../../../../server/storage/audit-repository';
import {
  endAttempt,
  findAttempt,
  insertAttempt,
} from '../../../../server/storage/attempt-repository';
import { reservePukRelease, upsertCard } from '../../../../server/storage/card-repository';
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
      const expected = { attempts: 2, rateLimitWindows: 2, pukReleaseDays: 1 };
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
      expect(await countPurgeable(db.db, NOW, RETENTION)).toEqual({
        attempts: 0,
        rateLimitWindows: 0,
        pukReleaseDays: 0,
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
});
