import { type Kysely, sql } from 'kysely';
import type { Migration, MigrationProvider } from 'kysely/migration';

/** Which engine a migration is written for: binary and identity columns differ. */
export type DialectKind = 'sqlite' | 'postgres';

/** The schema, version by version. Never edit a published migration: add the next one. */
function migrations(kind: DialectKind): Record<string, Migration> {
  const blob = kind === 'sqlite' ? 'blob' : 'bytea';
  return {
    '0001-initial': {
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema
          .createTable('cards')
          .addColumn('card_id', 'text', (c) => c.primaryKey())
          .addColumn('holder_name', 'text', (c) => c.notNull())
          .addColumn('email', 'text', (c) => c.notNull())
          .addColumn('piv_auth_der', sql.raw(blob), (c) => c.notNull())
          .addColumn('card_auth_der', sql.raw(blob), (c) => c.notNull())
          .addColumn('puk_key_id', 'text', (c) => c.notNull())
          .addColumn('puk_ciphertext', sql.raw(blob), (c) => c.notNull())
          .addColumn('pending_puk_key_id', 'text')
          .addColumn('pending_puk_ciphertext', sql.raw(blob))
          .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('registered_at', 'text')
          .addColumn('email_confirmed_at', 'text')
          .addColumn('last_unlock_at', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('answers')
          .addColumn('card_id', 'text', (c) =>
            c.notNull().references('cards.card_id').onDelete('cascade'),
          )
          .addColumn('position', 'integer', (c) => c.notNull())
          .addColumn('question_id', 'text', (c) => c.notNull())
          .addColumn('answer_hash', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('answers_pk', ['card_id', 'position'])
          .execute();
        await db.schema
          .createTable('attempts')
          .addColumn('attempt_id', 'text', (c) => c.primaryKey())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('card_id', 'text', (c) =>
            c.notNull().references('cards.card_id').onDelete('cascade'),
          )
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .addColumn('nonce', 'text', (c) => c.notNull())
          .addColumn('nonce_expires_at', 'text', (c) => c.notNull())
          .addColumn('nonce_used_at', 'text')
          .addColumn('pending_answers', 'text')
          .addColumn('sends', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('last_sent_at', 'text')
          .addColumn('prev_sent_at', 'text')
          .addColumn('code_hash', 'text')
          .addColumn('code_expires_at', 'text')
          .addColumn('code_tries', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('code_used_at', 'text')
          .addColumn('puk_released_at', 'text')
          .addColumn('rotation_ref', 'text')
          .addColumn('ended_at', 'text')
          .addColumn('end_reason', 'text')
          .execute();
        await db.schema.createIndex('attempts_card').on('attempts').column('card_id').execute();
        await db.schema
          .createTable('puk_releases')
          .addColumn('card_id', 'text', (c) =>
            c.notNull().references('cards.card_id').onDelete('cascade'),
          )
          .addColumn('day', 'text', (c) => c.notNull())
          .addColumn('releases', 'integer', (c) => c.notNull())
          .addPrimaryKeyConstraint('puk_releases_pk', ['card_id', 'day'])
          .execute();
        await db.schema
          .createTable('audit_log')
          .addColumn('id', kind === 'sqlite' ? 'integer' : 'serial', (c) =>
            kind === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey(),
          )
          .addColumn('at', 'text', (c) => c.notNull())
          .addColumn('card_id', 'text')
          .addColumn('attempt_id', 'text')
          .addColumn('action', 'text', (c) => c.notNull())
          .addColumn('outcome', 'text', (c) => c.notNull())
          .addColumn('source_address', 'text', (c) => c.notNull())
          .addColumn('request_id', 'text')
          .addColumn('detail', 'text')
          .execute();
        await db.schema.createIndex('audit_log_card').on('audit_log').column('card_id').execute();
        // Append-only: the database itself refuses to change or remove an audit row.
        if (kind === 'sqlite') {
          for (const op of ['UPDATE', 'DELETE']) {
            await sql
              .raw(
                `CREATE TRIGGER audit_log_no_${op.toLowerCase()} BEFORE ${op} ON audit_log ` +
                  `BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`,
              )
              .execute(db);
          }
        } else {
          await sql
            .raw(
              `CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ ` +
                `BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$`,
            )
            .execute(db);
          await sql
            .raw(
              'CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log ' +
                'FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()',
            )
            .execute(db);
          await sql
            .raw(
              'CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log ' +
                'FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()',
            )
            .execute(db);
        }
      },
    },
    '0002-rate-limits': {
      async up(db: Kysely<unknown>): Promise<void> {
        // One row per limiter, client and window: the upsert that counts a request is one
        // statement on this primary key, so every instance adds to the same row.
        await db.schema
          .createTable('rate_limits')
          .addColumn('limiter', 'text', (c) => c.notNull())
          .addColumn('client', 'text', (c) => c.notNull())
          .addColumn('window_start', 'text', (c) => c.notNull())
          .addColumn('window_end', 'text', (c) => c.notNull())
          .addColumn('hits', 'integer', (c) => c.notNull())
          .addPrimaryKeyConstraint('rate_limits_pk', ['limiter', 'client', 'window_start'])
          .execute();
        await db.schema
          .createIndex('rate_limits_window_end')
          .on('rate_limits')
          .column('window_end')
          .execute();
        // The retention purge looks for finished attempts by when they ended or expired.
        await db.schema
          .createIndex('attempts_ended_at')
          .on('attempts')
          .column('ended_at')
          .execute();
        await db.schema
          .createIndex('attempts_expires_at')
          .on('attempts')
          .column('expires_at')
          .execute();
      },
    },
  };
}

/** The in-code migration provider: the schema ships inside the server, no migration folder. */
export function migrationProvider(kind: DialectKind): MigrationProvider {
  return { getMigrations: () => Promise.resolve(migrations(kind)) };
}
