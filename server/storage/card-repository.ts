import type { Kysely, Selectable } from 'kysely';
import { preparedQuery } from './prepared-query';
import type { CardsTable, Database } from './schema';

/**
 * Cards, holders, registered answers and PUK releases. Every counter changes in one conditional
 * statement (`... WHERE count < max RETURNING`), so limits hold across connections and instances.
 */

/** A secret encrypted under a named key-encryption key. */
export interface SealedSecret {
  readonly keyId: string;
  readonly ciphertext: Uint8Array;
}

/** A card as the domain sees it. */
export interface CardRecord {
  readonly cardId: string;
  readonly holderName: string;
  readonly email: string;
  readonly pivAuthDer: Uint8Array;
  readonly cardAuthDer: Uint8Array;
  readonly puk: SealedSecret;
  readonly pendingPuk: SealedSecret | null;
  readonly failures: number;
  readonly registeredAt: string | null;
  readonly emailConfirmedAt: string | null;
  readonly lastUnlockAt: string | null;
}

/** A card as imported, its PUK already sealed. */
export interface CardUpsert {
  readonly cardId: string;
  readonly holderName: string;
  readonly email: string;
  readonly pivAuthDer: Uint8Array;
  readonly cardAuthDer: Uint8Array;
  readonly puk: SealedSecret;
}

/** A registered answer: the question and the answer's hash. */
export interface StoredAnswer {
  readonly questionId: string;
  readonly hash: string;
}

const buf = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

function toRecord(row: Selectable<CardsTable>): CardRecord {
  return {
    cardId: row.card_id,
    holderName: row.holder_name,
    email: row.email,
    pivAuthDer: new Uint8Array(row.piv_auth_der),
    cardAuthDer: new Uint8Array(row.card_auth_der),
    puk: { keyId: row.puk_key_id, ciphertext: new Uint8Array(row.puk_ciphertext) },
    pendingPuk:
      row.pending_puk_key_id !== null && row.pending_puk_ciphertext !== null
        ? {
            keyId: row.pending_puk_key_id,
            ciphertext: new Uint8Array(row.pending_puk_ciphertext),
          }
        : null,
    failures: row.failures,
    registeredAt: row.registered_at,
    emailConfirmedAt: row.email_confirmed_at,
    lastUnlockAt: row.last_unlock_at,
  };
}

const selectCard = preparedQuery((db, v: { cardId: string }) =>
  db.selectFrom('cards').selectAll().where('card_id', '=', v.cardId),
);

/** The card, or undefined when it is not in the inventory (a prepared query, as it runs often). */
export async function findCard(
  db: Kysely<Database>,
  cardId: string,
): Promise<CardRecord | undefined> {
  const [row] = (await selectCard(db, { cardId })).rows;
  return row === undefined ? undefined : toRecord(row);
}

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
  return rows.map(toRecord).map(({ cardId, puk, pendingPuk }) => ({ cardId, puk, pendingPuk }));
}

/**
 * Inserts a card, or updates a known card's holder, address and certificates (a correction from
 * the issuing system). A known card keeps its PUK: once the server has rotated it, the issuing
 * system's copy is stale, and overwriting it would make the card unrecoverable here. Registration
 * and counters are kept. Returns whether the card was new.
 */
export async function upsertCard(
  db: Kysely<Database>,
  card: CardUpsert,
  now: string,
): Promise<'inserted' | 'updated'> {
  const updated = await db
    .updateTable('cards')
    .set({
      holder_name: card.holderName,
      email: card.email,
      piv_auth_der: buf(card.pivAuthDer),
      card_auth_der: buf(card.cardAuthDer),
      updated_at: now,
    })
    .where('card_id', '=', card.cardId)
    .executeTakeFirst();
  if (updated.numUpdatedRows > 0n) return 'updated';
  await db
    .insertInto('cards')
    .values({
      card_id: card.cardId,
      holder_name: card.holderName,
      email: card.email,
      piv_auth_der: buf(card.pivAuthDer),
      card_auth_der: buf(card.cardAuthDer),
      puk_key_id: card.puk.keyId,
      puk_ciphertext: buf(card.puk.ciphertext),
      pending_puk_key_id: null,
      pending_puk_ciphertext: null,
      failures: 0,
      registered_at: null,
      email_confirmed_at: null,
      last_unlock_at: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return 'inserted';
}

const selectAnswers = preparedQuery((db, v: { cardId: string }) =>
  db
    .selectFrom('answers')
    .select(['question_id', 'answer_hash'])
    .where('card_id', '=', v.cardId)
    .orderBy('position'),
);

/** The card's registered answers in question order (empty when not registered). */
export async function findAnswers(
  db: Kysely<Database>,
  cardId: string,
): Promise<readonly StoredAnswer[]> {
  const { rows } = await selectAnswers(db, { cardId });
  return rows.map((r) => ({ questionId: r.question_id, hash: r.answer_hash }));
}

/** Replaces the card's answers and marks it registered with a confirmed address (in a transaction). */
export async function replaceRegistration(
  db: Kysely<Database>,
  cardId: string,
  answers: readonly StoredAnswer[],
  now: string,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    // The write comes first so SQLite takes its write lock before anything is read.
    await trx
      .updateTable('cards')
      .set({ registered_at: now, email_confirmed_at: now, updated_at: now })
      .where('card_id', '=', cardId)
      .execute();
    await trx.deleteFrom('answers').where('card_id', '=', cardId).execute();
    await trx
      .insertInto('answers')
      .values(
        answers.map((a, position) => ({
          card_id: cardId,
          position,
          question_id: a.questionId,
          answer_hash: a.hash,
        })),
      )
      .execute();
  });
}

/** Forgets the card's registration (answers and confirmed address). False when the card is unknown. */
export async function clearRegistration(
  db: Kysely<Database>,
  cardId: string,
  now: string,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable('cards')
      .set({ registered_at: null, email_confirmed_at: null, updated_at: now })
      .where('card_id', '=', cardId)
      .executeTakeFirst();
    await trx.deleteFrom('answers').where('card_id', '=', cardId).execute();
    return r.numUpdatedRows > 0n;
  });
}

const countFailure = preparedQuery((db, v: { cardId: string; max: number; now: string }) =>
  db
    .updateTable('cards')
    .set((eb) => ({ failures: eb('failures', '+', 1), updated_at: v.now }))
    .where('card_id', '=', v.cardId)
    .where('failures', '<', v.max)
    .returning('failures'),
);

/**
 * Counts one failure against the card unless it already has `max`. Returns the new count, or
 * undefined when the card was already locked (the failure was not counted).
 */
export async function recordFailure(
  db: Kysely<Database>,
  cardId: string,
  max: number,
  now: string,
): Promise<number | undefined> {
  const [row] = (await countFailure(db, { cardId, max, now })).rows;
  return row?.failures;
}

/**
 * Stamps the card's `updated_at`: inside a transaction, its first statement, so that the card's
 * row is locked (SQLite: the database) until the transaction ends.
 */
export async function touchCard(db: Kysely<Database>, cardId: string, now: string): Promise<void> {
  await db.updateTable('cards').set({ updated_at: now }).where('card_id', '=', cardId).execute();
}

/** Resets the card's failure count (service desk, or a completed unlock). False when unknown. */
export async function clearFailures(
  db: Kysely<Database>,
  cardId: string,
  now: string,
): Promise<boolean> {
  const r = await db
    .updateTable('cards')
    .set({ failures: 0, updated_at: now })
    .where('card_id', '=', cardId)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

/** Records the next PUK as pending unless one is pending already. True when this call set it. */
export async function setPendingPuk(
  db: Kysely<Database>,
  cardId: string,
  sealed: SealedSecret,
  now: string,
): Promise<boolean> {
  const r = await db
    .updateTable('cards')
    .set({
      pending_puk_key_id: sealed.keyId,
      pending_puk_ciphertext: buf(sealed.ciphertext),
      updated_at: now,
    })
    .where('card_id', '=', cardId)
    .where('pending_puk_ciphertext', 'is', null)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

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
  const r = await db
    .updateTable('cards')
    .set((eb) => ({
      puk_key_id: eb.ref('pending_puk_key_id').$notNull(),
      puk_ciphertext: eb.ref('pending_puk_ciphertext').$notNull(),
      pending_puk_key_id: null,
      pending_puk_ciphertext: null,
      failures: 0,
      last_unlock_at: now,
      updated_at: now,
    }))
    .where('card_id', '=', cardId)
    .where('pending_puk_ciphertext', '=', buf(expected.ciphertext))
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

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
  await db
    .updateTable('cards')
    .set({ failures: 0, last_unlock_at: now, updated_at: now })
    .where('card_id', '=', cardId)
    .execute();
}

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
  const row = await db
    .insertInto('puk_releases')
    .values({ card_id: cardId, day, releases: 1 })
    .onConflict((oc) =>
      oc
        .columns(['card_id', 'day'])
        .doUpdateSet((eb) => ({ releases: eb('puk_releases.releases', '+', 1) }))
        .where('puk_releases.releases', '<', max),
    )
    .returning('releases')
    .executeTakeFirst();
  return row?.releases;
}

/** How many times the card's PUK was released on `day`. */
export async function pukReleasesOn(
  db: Kysely<Database>,
  cardId: string,
  day: string,
): Promise<number> {
  const row = await db
    .selectFrom('puk_releases')
    .select('releases')
    .where('card_id', '=', cardId)
    .where('day', '=', day)
    .executeTakeFirst();
  return row?.releases ?? 0;
}
