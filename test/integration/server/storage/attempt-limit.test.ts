import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import {
  findAttempt,
  insertAttempt,
  spendNonce,
  startLockSlot,
} from '../../../../server/storage/attempt-repository';
import { upsertCard } from '../../../../server/storage/card-repository';
import { openDatabase } from '../../../../server/storage/database';
import type { Database } from '../../../../server/storage/schema';
import { storageEngines } from '../../../support/storage-engines';

const { engines } = await storageEngines('attempt-limit', { poolSize: 8 });

const NOW = Date.parse('2026-05-01T12:00:00.000Z');
const at = (seconds: number): string => new Date(NOW + seconds * 1000).toISOString();

async function card(db: Kysely<Database>, cardId: string): Promise<void> {
  await upsertCard(
    db,
    {
      cardId,
      holderName: 'Mr John Rigby',
      email: 'john.rigby@nhs.net',
      pivAuthDer: new Uint8Array([1]),
      cardAuthDer: new Uint8Array([2]),
      puk: { keyId: 'k1', ciphertext: new Uint8Array(randomBytes(40)) },
    },
    at(-86_400),
  );
}

/** Starts attempt `id` for the card `seconds` after NOW (live for 15 minutes), with the limit. */
const start = (db: Kysely<Database>, cardId: string, id: string, seconds: number, limit: number) =>
  insertAttempt(
    db,
    {
      attemptId: id,
      kind: 'unlock',
      cardId,
      createdAt: at(seconds),
      expiresAt: at(seconds + 900),
      nonce: randomBytes(32).toString('base64url'),
      nonceExpiresAt: at(seconds + 120),
    },
    limit,
  );

/** The card's attempts that have not ended, sorted. */
async function open(db: Kysely<Database>, cardId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('attempts')
    .select('attempt_id')
    .where('card_id', '=', cardId)
    .where('state', '!=', 'ended')
    .orderBy('attempt_id')
    .execute();
  return rows.map((r) => r.attempt_id);
}

describe.each(engines)('the open-attempt limit per card on %s', (_engine, fresh) => {
  it('when a card reaches the limit, then each new attempt ends the oldest as superseded and says which', async () => {
    const db = await openDatabase(await fresh());
    try {
      const cardId = 'a'.repeat(32);
      await card(db.db, cardId);
      expect(await start(db.db, cardId, 'a1', 0, 2)).toEqual([]);
      expect(await start(db.db, cardId, 'a2', 1, 2)).toEqual([]);
      expect(await start(db.db, cardId, 'a3', 2, 2)).toEqual(['a1']);
      expect(await start(db.db, cardId, 'a4', 3, 2)).toEqual(['a2']);
      expect(await open(db.db, cardId)).toEqual(['a3', 'a4']);
      expect(await findAttempt(db.db, 'a1', 'unlock')).toMatchObject({
        state: 'ended',
        endReason: 'superseded',
      });
    } finally {
      await db.close();
    }
  });

  it('when attempts got past the proof or expired, then proved ones are kept first and expired ones are left alone', async () => {
    const db = await openDatabase(await fresh());
    try {
      const cardId = 'b'.repeat(32);
      await card(db.db, cardId);
      // Expired before the others start: neither counted nor ended here (it answers as expired).
      await start(db.db, cardId, 'b0', -1000, 3);
      await start(db.db, cardId, 'b1', 0, 3);
      expect(await spendNonce(db.db, 'b1', true, at(1))).toBe(true);
      await start(db.db, cardId, 'b2', 2, 3);
      await start(db.db, cardId, 'b3', 3, 3);
      // The oldest unproved one goes, not the older proved one.
      expect(await start(db.db, cardId, 'b4', 4, 3)).toEqual(['b2']);
      expect(await open(db.db, cardId)).toEqual(['b0', 'b1', 'b3', 'b4']);
      expect(await findAttempt(db.db, 'b0', 'unlock')).toMatchObject({ state: 'started' });
    } finally {
      await db.close();
    }
  });

  it('when the caller is already in a transaction, then the limit applies inside it', async () => {
    const db = await openDatabase(await fresh());
    try {
      const cardId = 'c'.repeat(32);
      await card(db.db, cardId);
      await start(db.db, cardId, 'c1', 0, 1);
      const ended = await db.db.transaction().execute((trx) => start(trx, cardId, 'c2', 1, 1));
      expect(ended).toEqual(['c1']);
      expect(await open(db.db, cardId)).toEqual(['c2']);
    } finally {
      await db.close();
    }
  });

  it('when 24 attempts start at once for two cards, then each card keeps exactly the limit open', async () => {
    const db = await openDatabase(await fresh());
    try {
      const ids = ['d'.repeat(32), 'e'.repeat(32)];
      for (const id of ids) await card(db.db, id);
      const results = await Promise.all(
        Array.from({ length: 24 }, (_, i) => start(db.db, ids[i % 2]!, `x${i}`, 0, 3)),
      );
      expect(results.flat()).toHaveLength(24 - 6);
      for (const id of ids) expect(await open(db.db, id)).toHaveLength(3);
    } finally {
      await db.close();
    }
  });
});

describe('the start-lock slot of a card id', () => {
  it('when card ids differ, then they spread over the 256 slots; the same id always gets the same slot', () => {
    const slots = new Set(
      Array.from({ length: 2000 }, () => startLockSlot(randomBytes(16).toString('hex'))),
    );
    expect(Math.min(...slots)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...slots)).toBeLessThan(256);
    expect(slots.size).toBeGreaterThan(200);
    expect(startLockSlot('f'.repeat(32))).toBe(startLockSlot('f'.repeat(32)));
  });
});
