import type { Kysely } from 'kysely';
import type { ConsoleSessionStore } from '../console/console-sessions';
import type { Database } from './schema';

/**
 * The console's sessions and sign-ins in the database, so every instance shares them. Rows are
 * keyed by a SHA-256 of the cookie's id; expired rows go with the retention purge.
 */
export function kyselyConsoleSessionStore(db: Kysely<Database>): ConsoleSessionStore {
  return {
    async insert(row) {
      await db
        .insertInto('console_sessions')
        .values({
          id_hash: row.idHash,
          operator_id: row.operator.id,
          operator_name: row.operator.name,
          role: row.operator.role,
          created_at: row.createdAt,
          idle_expires_at: row.idleExpiresAt,
          expires_at: row.expiresAt,
        })
        .execute();
    },
    async find(idHash) {
      const r = await db
        .selectFrom('console_sessions')
        .selectAll()
        .where('id_hash', '=', idHash)
        .executeTakeFirst();
      return r === undefined
        ? undefined
        : {
            idHash: r.id_hash,
            operator: { id: r.operator_id, name: r.operator_name, role: r.role },
            createdAt: r.created_at,
            idleExpiresAt: r.idle_expires_at,
            expiresAt: r.expires_at,
          };
    },
    async touch(idHash, idleExpiresAt) {
      await db
        .updateTable('console_sessions')
        .set({ idle_expires_at: idleExpiresAt })
        .where('id_hash', '=', idHash)
        .execute();
    },
    async remove(idHash) {
      await db.deleteFrom('console_sessions').where('id_hash', '=', idHash).execute();
    },
    async insertSignIn(row) {
      await db
        .insertInto('console_sign_ins')
        .values({
          id_hash: row.idHash,
          state: row.state,
          nonce: row.nonce,
          code_verifier: row.codeVerifier,
          return_to: row.returnTo,
          expires_at: row.expiresAt,
        })
        .execute();
    },
    async takeSignIn(idHash) {
      // Single use: deleted as it is read, so a replayed return from the provider finds nothing.
      const r = await db
        .deleteFrom('console_sign_ins')
        .where('id_hash', '=', idHash)
        .returningAll()
        .executeTakeFirst();
      return r === undefined
        ? undefined
        : {
            idHash: r.id_hash,
            state: r.state,
            nonce: r.nonce,
            codeVerifier: r.code_verifier,
            returnTo: r.return_to,
            expiresAt: r.expires_at,
          };
    },
  };
}

/** How many of the console's sessions and sign-ins have ended by `now` (the purge's dry run). */
export async function countEndedConsoleSessions(
  db: Kysely<Database>,
  now: string,
): Promise<number> {
  const [sessions, signIns] = await Promise.all([
    db
      .selectFrom('console_sessions')
      .select((eb) => eb.fn.countAll().as('n'))
      .where((eb) => eb.or([eb('expires_at', '<=', now), eb('idle_expires_at', '<=', now)]))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('console_sign_ins')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('expires_at', '<=', now)
      .executeTakeFirstOrThrow(),
  ]);
  return Number(sessions.n) + Number(signIns.n);
}

/** Deletes the console's sessions and sign-ins that have ended by `now`; returns how many. */
export async function purgeConsoleSessions(db: Kysely<Database>, now: string): Promise<number> {
  const sessions = await db
    .deleteFrom('console_sessions')
    .where((eb) => eb.or([eb('expires_at', '<=', now), eb('idle_expires_at', '<=', now)]))
    .executeTakeFirst();
  const signIns = await db
    .deleteFrom('console_sign_ins')
    .where('expires_at', '<=', now)
    .executeTakeFirst();
  return Number(sessions.numDeletedRows) + Number(signIns.numDeletedRows);
}
