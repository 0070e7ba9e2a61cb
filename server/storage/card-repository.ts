import type { Kysely, Selectable } from 'kysely';
import { preparedQuery } from './prepared-query';
import type { CardsTable, Database } from './schema';
import type { CardRecord, CardUpsert, StoredAnswer } from '../domain/repository-ports';

/**
 * Cards, holders and registered answers (PUKs: puk-repository.ts). Every counter changes in one conditional
 * statement (`... WHERE count < max RETURNING`), so limits hold across connections and instances.
 */

/** Bytes as the drivers take them, without a copy. */
export const buf = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

/**
 * A card without an email address: the column stays NOT NULL (SQLite cannot drop the constraint
 * without rebuilding `cards` and its dependants), and the empty string never passes the import.
 */
export const NO_EMAIL = '';

/** A card row as the domain's record. */
export function toCardRecord(row: Selectable<CardsTable>): CardRecord {
  return {
    cardId: row.card_id,
    holderName: row.holder_name,
    email: row.email === '' ? null : row.email,
    mobile: row.mobile,
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
    frozen:
      row.frozen_at === null ? null : { at: row.frozen_at, reason: row.frozen_reason ?? 'unknown' },
    pivAuthNotAfter: row.piv_auth_not_after,
    cardAuthNotAfter: row.card_auth_not_after,
    site: row.site,
  };
}

/** The certificates' expiry columns of an upsert: left out when the caller gives none. */
const expiryColumns = (card: CardUpsert) =>
  card.notAfter === undefined
    ? {}
    : { piv_auth_not_after: card.notAfter.pivAuth, card_auth_not_after: card.notAfter.cardAuth };

const selectCard = preparedQuery((db, v: { cardId: string }) =>
  db.selectFrom('cards').selectAll().where('card_id', '=', v.cardId),
);

/** The card, or undefined when it is not in the inventory (a prepared query, as it runs often). */
export async function findCard(
  db: Kysely<Database>,
  cardId: string,
): Promise<CardRecord | undefined> {
  const [row] = (await selectCard(db, { cardId })).rows;
  return row === undefined ? undefined : toCardRecord(row);
}

/**
 * Inserts a card, or corrects a known card's holder, contacts and certificates, keeping its PUK
 * (the server's rotated one: the issuing system's copy is stale), registration and counters.
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
      email: card.email ?? NO_EMAIL,
      // A mobile or site not given (an import without the column) leaves the stored one as it is.
      ...(card.mobile === undefined ? {} : { mobile: card.mobile }),
      ...(card.site === undefined ? {} : { site: card.site }),
      piv_auth_der: buf(card.pivAuthDer),
      card_auth_der: buf(card.cardAuthDer),
      ...expiryColumns(card),
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
      email: card.email ?? NO_EMAIL,
      ...(card.mobile === undefined ? {} : { mobile: card.mobile }),
      ...(card.site === undefined ? {} : { site: card.site }),
      piv_auth_der: buf(card.pivAuthDer),
      card_auth_der: buf(card.cardAuthDer),
      ...expiryColumns(card),
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

/**
 * Replaces one answer's hash (an outdated form hashed again), only while it is still `before`, so
 * a registration that replaced the answers meanwhile is never overwritten.
 */
export async function replaceAnswerHash(
  db: Kysely<Database>,
  cardId: string,
  questionId: string,
  before: string,
  after: string,
): Promise<boolean> {
  const r = await db
    .updateTable('answers')
    .set({ answer_hash: after })
    .where('card_id', '=', cardId)
    .where('question_id', '=', questionId)
    .where('answer_hash', '=', before)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
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

/**
 * Freezes the card's self-service unlock, keeping the first freeze's time and reason. True when
 * this call froze it; false when it was frozen already or is unknown.
 */
export async function freezeCard(
  db: Kysely<Database>,
  cardId: string,
  reason: string,
  now: string,
): Promise<boolean> {
  const r = await db
    .updateTable('cards')
    .set({ frozen_at: now, frozen_reason: reason, updated_at: now })
    .where('card_id', '=', cardId)
    .where('frozen_at', 'is', null)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

/** Lifts a freeze (the service desk). True when the card was frozen. */
export async function unfreezeCard(
  db: Kysely<Database>,
  cardId: string,
  now: string,
): Promise<boolean> {
  const r = await db
    .updateTable('cards')
    .set({ frozen_at: null, frozen_reason: null, updated_at: now })
    .where('card_id', '=', cardId)
    .where('frozen_at', 'is not', null)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}
