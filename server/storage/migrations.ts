import { type Kysely, sql } from 'kysely';
import type { Migration, MigrationProvider } from 'kysely/migration';
import { certificateNotAfter } from '../security/card-proof';
import { assistedApprovalMigration } from './assisted-approval-migration';

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
    '0003-bounded-growth': {
      async up(db: Kysely<unknown>): Promise<void> {
        // Starts for one card lock its slot, so concurrent starts cannot both miss the other's
        // attempt when ending those beyond the per-card limit; slots work for ids with no card row.
        await db.schema
          .createTable('attempt_start_locks')
          .addColumn('slot', 'integer', (c) => c.primaryKey())
          .addColumn('last_start_at', 'text')
          .execute();
        const slots = Array.from({ length: 256 }, (_, slot) => `(${slot})`).join(', ');
        await sql.raw(`INSERT INTO attempt_start_locks (slot) VALUES ${slots}`).execute(db);
        // The audit purge's cut-off, set and cleared within each of its transactions: the delete
        // trigger below lets through only rows older than it, and refuses every other delete.
        await db.schema
          .createTable('audit_purge_control')
          .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
          .addColumn('purge_before', 'text')
          .execute();
        await sql`INSERT INTO audit_purge_control (id, purge_before) VALUES (1, NULL)`.execute(db);
        if (kind === 'sqlite') {
          await sql`DROP TRIGGER audit_log_no_delete`.execute(db);
          // Whoever writes the cut-off, no row younger than the shortest retention (30 days, by
          // the database's own clock) can be deleted.
          await sql
            .raw(
              'CREATE TRIGGER audit_log_delete_past_retention BEFORE DELETE ON audit_log ' +
                'WHEN NOT EXISTS (SELECT 1 FROM audit_purge_control c WHERE c.id = 1 ' +
                'AND c.purge_before IS NOT NULL AND OLD.at < c.purge_before ' +
                "AND OLD.at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-30 days')) " +
                "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
            )
            .execute(db);
        } else {
          // Updates stay refused by the first trigger's function; truncation keeps its trigger.
          await sql`DROP TRIGGER audit_log_no_change ON audit_log`.execute(db);
          await sql
            .raw(
              'CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log ' +
                'FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()',
            )
            .execute(db);
          // The cut-off counts only when this transaction wrote it (xmin), so a value left behind
          // by anything but the purge's own transaction opens nothing; and whoever writes it, no
          // row younger than the shortest retention (30 days, by the database's clock) goes.
          await sql
            .raw(
              `CREATE FUNCTION audit_log_delete_past_retention() RETURNS trigger LANGUAGE plpgsql AS $$ ` +
                `BEGIN IF EXISTS (SELECT 1 FROM audit_purge_control c WHERE c.id = 1 ` +
                `AND c.purge_before IS NOT NULL AND OLD.at < c.purge_before ` +
                `AND OLD.at < to_char((now() at time zone 'UTC') - interval '30 days', ` +
                `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') ` +
                `AND c.xmin = pg_current_xact_id()::xid) THEN RETURN OLD; END IF; ` +
                `RAISE EXCEPTION 'audit_log is append-only'; END $$`,
            )
            .execute(db);
          await sql
            .raw(
              'CREATE TRIGGER audit_log_delete_past_retention BEFORE DELETE ON audit_log ' +
                'FOR EACH ROW EXECUTE FUNCTION audit_log_delete_past_retention()',
            )
            .execute(db);
        }
      },
    },
    '0004-attempts-for-any-card': {
      async up(db: Kysely<unknown>): Promise<void> {
        // An attempt starts for any well-formed card id, known or not, so a start tells nothing
        // about the card (docs/security-model.md): attempts lose their foreign key to cards.
        if (kind === 'postgres') {
          await sql
            .raw(
              `DO $$ DECLARE c text; BEGIN FOR c IN SELECT conname FROM pg_constraint ` +
                `WHERE conrelid = 'attempts'::regclass AND contype = 'f' LOOP ` +
                `EXECUTE format('ALTER TABLE attempts DROP CONSTRAINT %I', c); END LOOP; END $$`,
            )
            .execute(db);
          return;
        }
        // SQLite cannot drop a constraint: rebuild the table from its own definition, as its
        // documentation describes, keeping every column and index.
        await db.transaction().execute(async (trx) => {
          const table = await sql<{ sql: string }>`
            SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'attempts'`.execute(trx);
          const indexes = await sql<{ sql: string }>`
            SELECT sql FROM sqlite_master
            WHERE type = 'index' AND tbl_name = 'attempts' AND sql IS NOT NULL`.execute(trx);
          const definition = table.rows[0]?.sql ?? '';
          // Already without the key (a run whose record was lost): nothing to rebuild.
          if (!/references/i.test(definition)) return;
          const rebuilt = definition
            .replace(/^create table "?attempts"?/i, 'CREATE TABLE "attempts_rebuilt"')
            .replace(
              /\s+references\s+"?cards"?\s*\(\s*"?card_id"?\s*\)(\s+on delete cascade)?/i,
              '',
            );
          if (rebuilt === definition || /references/i.test(rebuilt)) {
            throw new Error(`Unexpected attempts table definition: ${definition}`);
          }
          await sql.raw(rebuilt).execute(trx);
          await sql`INSERT INTO attempts_rebuilt SELECT * FROM attempts`.execute(trx);
          await sql`DROP TABLE attempts`.execute(trx);
          await sql`ALTER TABLE attempts_rebuilt RENAME TO attempts`.execute(trx);
          for (const index of indexes.rows) await sql.raw(index.sql).execute(trx);
        });
      },
    },
    '0005-code-before-send': {
      async up(db: Kysely<unknown>): Promise<void> {
        // A code is stored before its mail goes, so one a slow relay delivers late still works;
        // the code it replaced is kept to put back if the mail was certainly not sent.
        const columns: [string, 'text' | 'integer'][] = [
          ['prev_code_hash', 'text'],
          ['prev_code_expires_at', 'text'],
          ['prev_code_tries', 'integer'],
          ['prev_code_used_at', 'text'],
        ];
        const add = async (trx: Kysely<unknown>) => {
          for (const [name, type] of columns) {
            await trx.schema
              .alterTable('attempts')
              .addColumn(name, type, (c) => (type === 'integer' ? c.notNull().defaultTo(0) : c))
              .execute();
          }
        };
        // PostgreSQL runs the pending migrations in one transaction already; SQLite needs its own,
        // or a crash between two columns would leave a schema no later start can migrate.
        await (kind === 'sqlite' ? db.transaction().execute(add) : add(db));
      },
    },
    '0006-card-mobile': {
      async up(db: Kysely<unknown>): Promise<void> {
        // A holder's UK mobile in E.164, for codes by text message (issue 18); null when unknown.
        await db.schema.alterTable('cards').addColumn('mobile', 'text').execute();
      },
    },
    '0007-code-channel': {
      async up(db: Kysely<unknown>): Promise<void> {
        // The channel the holder chose for their code (issue 18), so a resend goes the same way.
        await db.schema.alterTable('attempts').addColumn('code_channel', 'text').execute();
      },
    },
    '0008-self-service-freeze': {
      async up(db: Kysely<unknown>): Promise<void> {
        // "This wasn't me" (issue 19): a card's frozen self-service, and each link's single use.
        const add = async (trx: Kysely<unknown>) => {
          await trx.schema.alterTable('cards').addColumn('frozen_at', 'text').execute();
          await trx.schema.alterTable('cards').addColumn('frozen_reason', 'text').execute();
          await trx.schema
            .createTable('not_me_reports')
            .addColumn('attempt_id', 'text', (c) => c.primaryKey())
            .addColumn('card_id', 'text', (c) => c.notNull())
            .addColumn('unlocked_at', 'text', (c) => c.notNull())
            .addColumn('reported_at', 'text', (c) => c.notNull())
            .execute();
        };
        await (kind === 'sqlite' ? db.transaction().execute(add) : add(db));
      },
    },
    '0009-certificate-expiry': {
      async up(db: Kysely<unknown>): Promise<void> {
        // When each card's certificates expire (issue 19), read once here and at each import.
        const add = async (trx: Kysely<unknown>) => {
          for (const column of ['piv_auth_not_after', 'card_auth_not_after']) {
            await trx.schema.alterTable('cards').addColumn(column, 'text').execute();
          }
          await fillCertificateExpiry(trx);
        };
        await (kind === 'sqlite' ? db.transaction().execute(add) : add(db));
      },
    },
    '0010-console-sessions': {
      async up(db: Kysely<unknown>): Promise<void> {
        // The service desk console (issue 20): its sessions and its sign-ins in progress, shared
        // by every instance; each keyed by a SHA-256 of its cookie's random id, never the id.
        const add = async (trx: Kysely<unknown>) => {
          await trx.schema
            .createTable('console_sessions')
            .addColumn('id_hash', 'text', (c) => c.primaryKey())
            .addColumn('operator_id', 'text', (c) => c.notNull())
            .addColumn('operator_name', 'text', (c) => c.notNull())
            .addColumn('role', 'text', (c) => c.notNull())
            .addColumn('created_at', 'text', (c) => c.notNull())
            .addColumn('idle_expires_at', 'text', (c) => c.notNull())
            .addColumn('expires_at', 'text', (c) => c.notNull())
            .execute();
          await trx.schema
            .createTable('console_sign_ins')
            .addColumn('id_hash', 'text', (c) => c.primaryKey())
            .addColumn('state', 'text', (c) => c.notNull())
            .addColumn('nonce', 'text', (c) => c.notNull())
            .addColumn('code_verifier', 'text', (c) => c.notNull())
            .addColumn('return_to', 'text', (c) => c.notNull())
            .addColumn('expires_at', 'text', (c) => c.notNull())
            .execute();
        };
        await (kind === 'sqlite' ? db.transaction().execute(add) : add(db));
      },
    },
    '0011-card-site': {
      async up(db: Kysely<unknown>): Promise<void> {
        // The site or organisation of a card's holder (issue 20), an optional import column; the
        // RA managers' reports read the audit trail by time and by attempt, hence the indexes.
        const add = async (trx: Kysely<unknown>) => {
          await trx.schema.alterTable('cards').addColumn('site', 'text').execute();
          await trx.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
          await trx.schema
            .createIndex('audit_log_attempt')
            .on('audit_log')
            .column('attempt_id')
            .execute();
        };
        await (kind === 'sqlite' ? db.transaction().execute(add) : add(db));
      },
    },
    '0012-assisted-approval': assistedApprovalMigration(kind),
  };
}

/** Cards read per batch when migration 0009 fills in the expiry of the cards already stored. */
const EXPIRY_BATCH = 500;

/** Migration 0009's fill: every stored card's certificate expiry, in batches by card id. */
async function fillCertificateExpiry(db: Kysely<unknown>): Promise<void> {
  let after = '';
  for (;;) {
    const { rows } = await sql<{
      card_id: string;
      piv_auth_der: Uint8Array;
      card_auth_der: Uint8Array;
    }>`SELECT card_id, piv_auth_der, card_auth_der FROM cards WHERE card_id > ${after}
       ORDER BY card_id LIMIT ${EXPIRY_BATCH}`.execute(db);
    for (const row of rows) {
      await sql`UPDATE cards SET piv_auth_not_after = ${certificateNotAfter(row.piv_auth_der)},
        card_auth_not_after = ${certificateNotAfter(row.card_auth_der)}
        WHERE card_id = ${row.card_id}`.execute(db);
    }
    const last = rows.at(-1);
    if (last === undefined || rows.length < EXPIRY_BATCH) return;
    after = last.card_id;
  }
}

/** The in-code migration provider: the schema ships inside the server, no migration folder. */
export function migrationProvider(kind: DialectKind): MigrationProvider {
  return { getMigrations: () => Promise.resolve(migrations(kind)) };
}
