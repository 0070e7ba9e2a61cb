import type { Kysely } from 'kysely';
import { cardNotLocked } from './card-conditions';
import { preparedQuery } from './prepared-query';
import type { DeliveryChannel } from '../domain/delivery-port';
import type { Database } from './schema';

/**
 * An attempt's one-time codes: sends, the current code and the one it replaced, wrong tries and
 * the spend. Each change is one conditional UPDATE on the attempt's row.
 */

/**
 * Reserves one send: succeeds while the attempt has sends left and the last send is older than
 * `notAfter`. Returns the reserved send number. `storeCode` then stores the code to send, and
 * `undoSend` undoes both when its mail was certainly not sent.
 */
export async function reserveSend(
  db: Kysely<Database>,
  attemptId: string,
  maxSends: number,
  notAfter: string,
  now: string,
): Promise<number | undefined> {
  const [row] = (await reserve(db, { attemptId, maxSends, notAfter, now })).rows;
  return row?.sends;
}

const reserve = preparedQuery(
  (db, v: { attemptId: string; maxSends: number; notAfter: string; now: string }) =>
    db
      .updateTable('attempts')
      .set((eb) => ({
        sends: eb('sends', '+', 1),
        prev_sent_at: eb.ref('last_sent_at'),
        last_sent_at: v.now,
      }))
      .where('attempt_id', '=', v.attemptId)
      .where('state', '=', 'answered')
      .where('expires_at', '>', v.now)
      .where('sends', '<', v.maxSends)
      .where((eb) => eb.or([eb('last_sent_at', 'is', null), eb('last_sent_at', '<=', v.notAfter)]))
      .returning('sends'),
);

/**
 * Makes the code about to be sent the attempt's only valid code, with fresh tries, and keeps the
 * one it replaces for `undoSend`. False when the attempt moved on since the reservation.
 */
export async function storeCode(
  db: Kysely<Database>,
  attemptId: string,
  reserved: number,
  codeHash: string,
  expiresAt: string,
  channel: DeliveryChannel,
): Promise<boolean> {
  const r = await store(db, { attemptId, reserved, codeHash, expiresAt, channel });
  return (r.numAffectedRows ?? 0n) > 0n;
}

const store = preparedQuery(
  (
    db,
    v: {
      attemptId: string;
      reserved: number;
      codeHash: string;
      expiresAt: string;
      channel: DeliveryChannel;
    },
  ) =>
    db
      .updateTable('attempts')
      .set((eb) => ({
        code_channel: v.channel,
        prev_code_hash: eb.ref('code_hash'),
        prev_code_expires_at: eb.ref('code_expires_at'),
        prev_code_tries: eb.ref('code_tries'),
        prev_code_used_at: eb.ref('code_used_at'),
        code_hash: v.codeHash,
        code_expires_at: v.expiresAt,
        code_tries: 0,
        code_used_at: null,
      }))
      .where('attempt_id', '=', v.attemptId)
      .where('sends', '=', v.reserved)
      .where('state', '=', 'answered'),
);

/**
 * Undoes a send whose mail was certainly not sent, in one step: the send is not counted and the
 * code `codeHash` replaced is valid again, with the wrong tries made meanwhile. Only while this
 * send is still the latest, so an overlapping send is never undone by another's failure.
 */
export async function undoSend(
  db: Kysely<Database>,
  attemptId: string,
  reserved: number,
  reservedAt: string,
  codeHash: string,
): Promise<void> {
  await db
    .updateTable('attempts')
    .set((eb) => ({
      sends: eb('sends', '-', 1),
      last_sent_at: eb.ref('prev_sent_at'),
      code_hash: eb.ref('prev_code_hash'),
      code_expires_at: eb.ref('prev_code_expires_at'),
      code_tries: eb('prev_code_tries', '+', eb.ref('code_tries')),
      code_used_at: eb.ref('prev_code_used_at'),
      prev_code_hash: null,
      prev_code_expires_at: null,
      prev_code_tries: 0,
      prev_code_used_at: null,
    }))
    .where('attempt_id', '=', attemptId)
    .where('sends', '=', reserved)
    .where('last_sent_at', '=', reservedAt)
    .where('code_hash', '=', codeHash)
    .where('code_used_at', 'is', null)
    .execute();
}

/**
 * Counts a wrong try against the code with this hash (not a newer one) unless it has `max`, also
 * while a send has put it aside (so the try still counts if `undoSend` puts it back). Returns the
 * code's new count, or undefined when nothing was counted.
 */
export async function recordWrongCode(
  db: Kysely<Database>,
  attemptId: string,
  codeHash: string,
  max: number,
): Promise<number | undefined> {
  const row = await db
    .updateTable('attempts')
    .set((eb) => ({
      code_tries: eb
        .case()
        .when('code_hash', '=', codeHash)
        .then(eb('code_tries', '+', 1))
        .else(eb.ref('code_tries'))
        .end(),
      prev_code_tries: eb
        .case()
        .when('prev_code_hash', '=', codeHash)
        .then(eb('prev_code_tries', '+', 1))
        .else(eb.ref('prev_code_tries'))
        .end(),
    }))
    .where('attempt_id', '=', attemptId)
    .where((eb) =>
      eb.or([
        eb.and([
          eb('code_hash', '=', codeHash),
          eb('code_used_at', 'is', null),
          eb('code_tries', '<', max),
        ]),
        eb.and([
          eb('prev_code_hash', '=', codeHash),
          eb('prev_code_used_at', 'is', null),
          eb('prev_code_tries', '<', max),
        ]),
      ]),
    )
    .returning(['code_hash', 'code_tries', 'prev_code_tries'])
    .executeTakeFirst();
  if (row === undefined) return undefined;
  return row.code_hash === codeHash ? row.code_tries : row.prev_code_tries;
}

/**
 * Spends the code with this hash: once, while fresh and with tries left. A registration moves to
 * `authorised` (its address is confirmed); an unlock moves to `verified`, where it waits for the
 * new passcode before `releasePuk` hands out the PUK.
 */
export async function spendCode(
  db: Kysely<Database>,
  attemptId: string,
  codeHash: string,
  maxTries: number,
  next: 'verified' | 'authorised',
  now: string,
  maxFailures?: number,
): Promise<boolean> {
  const values = { attemptId, codeHash, maxTries, next, now };
  const r =
    maxFailures === undefined
      ? await spend(db, values)
      : await spendUnlocked(db, { ...values, maxFailures });
  return (r.numAffectedRows ?? 0n) > 0n;
}

/** The spend of a fresh code with tries left, moving the attempt to `next`. */
const spendFresh = (
  db: Kysely<Database>,
  v: {
    attemptId: string;
    codeHash: string;
    maxTries: number;
    next: 'verified' | 'authorised';
    now: string;
  },
) =>
  db
    .updateTable('attempts')
    .set({ code_used_at: v.now, state: v.next })
    .where('attempt_id', '=', v.attemptId)
    .where('state', '=', 'answered')
    .where('code_hash', '=', v.codeHash)
    .where('code_used_at', 'is', null)
    .where('code_tries', '<', v.maxTries)
    .where('code_expires_at', '>', v.now)
    .where('expires_at', '>', v.now);
const spend = preparedQuery(spendFresh);
const spendUnlocked = preparedQuery(
  (db, v: Parameters<typeof spendFresh>[1] & { maxFailures: number }) =>
    spendFresh(db, v).where(cardNotLocked(v.maxFailures)),
);
