import { type Kysely, sql } from 'kysely';
import type { AttemptSummaryRow, HolderQuery } from '../domain/desk/desk-ports';
import type { CardRecord } from '../domain/repository-ports';
import { NO_EMAIL, toCardRecord } from './card-repository';
import type { Database } from './schema';

/** The service desk's reads and writes of holders (server/domain/desk), on SQLite and PostgreSQL. */

/** Text matched literally inside LIKE: its own wildcards and the escape character escaped. */
const likeLiteral = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Cards whose name or email holds the text (lower-cased on both sides: any case for A to Z on
 * both engines), whose id starts with the prefix, or whose mobile holds the digits.
 */
export async function searchHolders(
  db: Kysely<Database>,
  query: HolderQuery,
  limit: number,
): Promise<readonly CardRecord[]> {
  const inside = `%${likeLiteral(query.text)}%`;
  const rows = await db
    .selectFrom('cards')
    .selectAll()
    .where((eb) =>
      eb.or([
        sql<boolean>`lower(holder_name) like ${inside} escape '\\'`,
        sql<boolean>`lower(email) like ${inside} escape '\\'`,
        ...(query.cardIdPrefix === undefined
          ? []
          : [sql<boolean>`card_id like ${`${likeLiteral(query.cardIdPrefix)}%`} escape '\\'`]),
        ...(query.mobileDigits === undefined
          ? []
          : [sql<boolean>`mobile like ${`%${likeLiteral(query.mobileDigits)}%`} escape '\\'`]),
      ]),
    )
    .orderBy(sql`lower(holder_name)`)
    .orderBy('card_id')
    .limit(limit)
    .execute();
  return rows.map(toCardRecord);
}

/** The card's newest attempts first, as far back as the retention keeps them. */
export async function recentAttempts(
  db: Kysely<Database>,
  cardId: string,
  limit: number,
): Promise<readonly AttemptSummaryRow[]> {
  const rows = await db
    .selectFrom('attempts')
    .select(['attempt_id', 'kind', 'state', 'created_at', 'expires_at', 'ended_at', 'end_reason'])
    .where('card_id', '=', cardId)
    .orderBy('created_at', 'desc')
    .orderBy('attempt_id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    attemptId: r.attempt_id,
    kind: r.kind,
    state: r.state,
    startedAt: r.created_at,
    expiresAt: r.expires_at,
    endedAt: r.ended_at,
    endReason: r.end_reason,
  }));
}

/**
 * Sets the card's email and mobile. A changed email is no longer the address the holder confirmed
 * (the SET reads the row as it was). False when the card is unknown.
 */
export async function setContacts(
  db: Kysely<Database>,
  cardId: string,
  contacts: Pick<CardRecord, 'email' | 'mobile'>,
  now: string,
): Promise<boolean> {
  const email = contacts.email ?? NO_EMAIL;
  const r = await db
    .updateTable('cards')
    .set({
      email,
      mobile: contacts.mobile,
      email_confirmed_at: sql<
        string | null
      >`case when email = ${email} then email_confirmed_at else null end`,
      updated_at: now,
    })
    .where('card_id', '=', cardId)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}
