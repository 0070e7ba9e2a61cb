import type { Kysely } from 'kysely';
import type { CardRecord, SealedSecret } from '../domain/repository-ports';
import { buf, toCardRecord } from './card-repository';
import { preparedQuery } from './prepared-query';
import type { Database } from './schema';

/**
 * The cards' sealed PUKs, their rotation and the daily release counts. Each change is one
 * conditional statement on the ciphertext it expects, so a rotation or re-seal is never undone.
 */

/**
 * How many stored PUKs (current and pending) each key-encryption key seals, by key id: to see what
 * a rotation left behind, and to refuse to start without a key that some PUK still needs.
 */
export async function sealedPukCountsByKey(
  db: Kysely<Database>,
): Promise<Readonly<Record<string, number>>> {
  const [current, pending] = await Promise.all([
    db
      .selectFrom('cards')
      .select(['puk_key_id as keyId', (eb) => eb.fn.countAll<number | string>().as('n')])
      .groupBy('puk_key_id')
      .execute(),
    db
      .selectFrom('cards')
      .select(['pending_puk_key_id as keyId', (eb) => eb.fn.countAll<number | string>().as('n')])
      .where('pending_puk_key_id', 'is not', null)
      .groupBy('pending_puk_key_id')
      .execute(),
  ]);
  const counts: Record<string, number> = {};
  for (const row of [...current, ...pending]) {
    if (row.keyId === null) continue;
    counts[row.keyId] = (counts[row.keyId] ?? 0) + Number(row.n);
  }
  return counts;
}
/** Every card's sealed PUKs, for re-encryption under a new key. */
export async function listSealedPuks(
  db: Kysely<Database>,
): Promise<readonly Pick<CardRecord, 'cardId' | 'puk' | 'pendingPuk'>[]> {
  const rows = await db.selectFrom('cards').selectAll().orderBy('card_id').execute();
  return rows.map(toCardRecord).map(({ cardId, puk, pendingPuk }) => ({ cardId, puk, pendingPuk }));
}
/** Records the next PUK as pending unless one is pending already. True when this call set it. */
export async function setPendingPuk(
  db: Kysely<Database>,
  cardId: string,
  sealed: SealedSecret,
  now: string,
): Promise<boolean> {
  const r = await setPending(db, {
    cardId,
    keyId: sealed.keyId,
    ciphertext: buf(sealed.ciphertext),
    now,
  });
  return (r.numAffectedRows ?? 0n) > 0n;
}

const setPending = preparedQuery(
  (db, v: { cardId: string; keyId: string; ciphertext: Buffer; now: string }) =>
    db
      .updateTable('cards')
      .set({ pending_puk_key_id: v.keyId, pending_puk_ciphertext: v.ciphertext, updated_at: v.now })
      .where('card_id', '=', v.cardId)
      .where('pending_puk_ciphertext', 'is', null),
);

/**
 * Makes the pending PUK current (the card confirmed the rotation) if it is still the one the
 * caller released, clears the failure count and stamps the unlock. True when committed.
 */
export async function commitPendingPuk(
  db: Kysely<Database>,
  cardId: string,
  expected: SealedSecret,
  now: string,
): Promise<boolean> {
  const r = await commitPending(db, { cardId, expected: buf(expected.ciphertext), now });
  return (r.numAffectedRows ?? 0n) > 0n;
}

const commitPending = preparedQuery((db, v: { cardId: string; expected: Buffer; now: string }) =>
  db
    .updateTable('cards')
    .set((eb) => ({
      puk_key_id: eb.ref('pending_puk_key_id').$notNull(),
      puk_ciphertext: eb.ref('pending_puk_ciphertext').$notNull(),
      pending_puk_key_id: null,
      pending_puk_ciphertext: null,
      failures: 0,
      last_unlock_at: v.now,
      updated_at: v.now,
    }))
    .where('card_id', '=', v.cardId)
    .where('pending_puk_ciphertext', '=', v.expected),
);

/** Drops the pending PUK (the card kept its old one) if it is still the one released. */
export async function discardPendingPuk(
  db: Kysely<Database>,
  cardId: string,
  expected: SealedSecret,
  now: string,
): Promise<boolean> {
  const r = await db
    .updateTable('cards')
    .set({ pending_puk_key_id: null, pending_puk_ciphertext: null, updated_at: now })
    .where('card_id', '=', cardId)
    .where('pending_puk_ciphertext', '=', buf(expected.ciphertext))
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

/** Stamps a successful unlock and clears the failure count (used when no rotation was pending). */
export async function recordUnlock(
  db: Kysely<Database>,
  cardId: string,
  now: string,
): Promise<void> {
  await stampUnlock(db, { cardId, now });
}

const stampUnlock = preparedQuery((db, v: { cardId: string; now: string }) =>
  db
    .updateTable('cards')
    .set({ failures: 0, last_unlock_at: v.now, updated_at: v.now })
    .where('card_id', '=', v.cardId),
);

/** Replaces one sealed PUK with its re-encryption, if it has not changed meanwhile. */
export async function resealPuk(
  db: Kysely<Database>,
  cardId: string,
  which: 'current' | 'pending',
  before: SealedSecret,
  after: SealedSecret,
): Promise<boolean> {
  const r =
    which === 'current'
      ? await db
          .updateTable('cards')
          .set({ puk_key_id: after.keyId, puk_ciphertext: buf(after.ciphertext) })
          .where('card_id', '=', cardId)
          .where('puk_ciphertext', '=', buf(before.ciphertext))
          .executeTakeFirst()
      : await db
          .updateTable('cards')
          .set({
            pending_puk_key_id: after.keyId,
            pending_puk_ciphertext: buf(after.ciphertext),
          })
          .where('card_id', '=', cardId)
          .where('pending_puk_ciphertext', '=', buf(before.ciphertext))
          .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

/**
 * Counts one PUK release for the card on `day` unless it already has `max`. Returns the new
 * count, or undefined when the cap was reached.
 */
export async function reservePukRelease(
  db: Kysely<Database>,
  cardId: string,
  day: string,
  max: number,
): Promise<number | undefined> {
  const [row] = (await countRelease(db, { cardId, day, max })).rows;
  return row?.releases;
}

const countRelease = preparedQuery((db, v: { cardId: string; day: string; max: number }) =>
  db
    .insertInto('puk_releases')
    .values({ card_id: v.cardId, day: v.day, releases: 1 })
    .onConflict((oc) =>
      oc
        .columns(['card_id', 'day'])
        .doUpdateSet((eb) => ({ releases: eb('puk_releases.releases', '+', 1) }))
        .where('puk_releases.releases', '<', v.max),
    )
    .returning('releases'),
);

/** How many times the card's PUK was released on `day`. */
export async function pukReleasesOn(
  db: Kysely<Database>,
  cardId: string,
  day: string,
): Promise<number> {
  const [row] = (await releasesOn(db, { cardId, day })).rows;
  return row?.releases ?? 0;
}

const releasesOn = preparedQuery((db, v: { cardId: string; day: string }) =>
  db
    .selectFrom('puk_releases')
    .select('releases')
    .where('card_id', '=', v.cardId)
    .where('day', '=', v.day),
);

/**
 * The first statements of a PUK release's transaction: counts the release for `day` (undefined at
 * the cap) and then stamps the card, so the card is held until commit.
 */
export async function reserveRelease(
  db: Kysely<Database>,
  cardId: string,
  day: string,
  max: number,
  now: string,
): Promise<number | undefined> {
  // The daily counter is written first so SQLite takes its write lock before any read.
  const count = await reservePukRelease(db, cardId, day, max);
  if (count === undefined) return undefined;
  // The card's row next: on PostgreSQL a key rotation re-sealing this card's PUKs then either
  // committed before the release's reads or waits for its commit, and then moves the rotation
  // fingerprint the release records along with the PUK.
  await holdCard(db, { cardId, now });
  return count;
}

const holdCard = preparedQuery((db, v: { cardId: string; now: string }) =>
  db.updateTable('cards').set({ updated_at: v.now }).where('card_id', '=', v.cardId),
);
