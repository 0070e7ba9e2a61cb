import { randomBytes } from 'node:crypto';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import { migrationProvider } from '../../server/storage/migrations';
import type { Database } from '../../server/storage/schema';
import type { StorageSettings } from '../../server/storage/storage-settings';

/** A card row as the storage tests upsert it; `mobile` left out means the column's default. */
export const storedCard = (cardId: string, mobile?: string | null) => ({
  cardId,
  holderName: 'Mr John Rigby',
  email: 'john.rigby@nhs.net',
  ...(mobile === undefined ? {} : { mobile }),
  pivAuthDer: new Uint8Array([1]),
  cardAuthDer: new Uint8Array([2]),
  puk: { keyId: 'k1', ciphertext: new Uint8Array(randomBytes(40)) },
});

/** A database brought up to `migration` only, as an older server left it. */
export async function migratedTo(
  settings: StorageSettings,
  migration: string,
): Promise<Kysely<Database>> {
  const db =
    settings.kind === 'sqlite'
      ? new Kysely<Database>({
          dialect: new SqliteDialect({ database: new SqliteDatabase(settings.file) }),
        })
      : new Kysely<Database>({
          dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: settings.url }) }),
        });
  const { error } = await new Migrator({
    db,
    provider: migrationProvider(settings.kind),
  }).migrateTo(migration);
  if (error !== undefined) throw new Error(`migrating to ${migration} failed`, { cause: error });
  return db;
}
