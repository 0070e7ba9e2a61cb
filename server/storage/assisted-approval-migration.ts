import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { DialectKind } from './migrations';

/**
 * Migration 0012 (issue 20, the assisted unlock): an attempt's reference for the service desk (its
 * keyed hash, indexed for the desk's lookup), its expiry and count, and the desk's approval.
 */
export function assistedApprovalMigration(kind: DialectKind): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const add = async (trx: Kysely<unknown>) => {
        const texts = ['approval_ref_hash', 'approval_expires_at', 'approved_at', 'approved_by'];
        for (const column of texts) {
          await trx.schema.alterTable('attempts').addColumn(column, 'text').execute();
        }
        await trx.schema
          .alterTable('attempts')
          .addColumn('approval_requests', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
        await trx.schema
          .createIndex('attempts_approval_ref_hash')
          .on('attempts')
          .column('approval_ref_hash')
          .execute();
      };
      // As 0005: PostgreSQL runs pending migrations in one transaction; SQLite needs its own.
      await (kind === 'sqlite' ? db.transaction().execute(add) : add(db));
    },
  };
}
