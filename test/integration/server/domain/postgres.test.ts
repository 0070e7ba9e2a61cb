import { afterAll, describe, it } from 'vitest';
import type { StorageSettings } from '../../../../server/storage/storage-settings';
import { startPostgres } from '../../../support/postgres';
import { domainSuite } from './domain-suite';

const pg = await startPostgres();
let n = 0;

const urlOf = (storage: StorageSettings): string => {
  if (storage.kind !== 'postgres') throw new Error('not PostgreSQL');
  return storage.url;
};

if (pg.available) {
  const { server } = pg;
  afterAll(() => server.stop());
  domainSuite({
    name: 'PostgreSQL (a private cluster)',
    multiInstance: true,
    freshStorage: async () => ({
      kind: 'postgres',
      url: await server.createDatabase(`domain_${++n}`),
      poolSize: 5,
      connectTimeoutMs: 3000,
      statementTimeoutMs: 5000,
    }),
    async dumpAll(storage) {
      const url = urlOf(storage);
      const tables = ['cards', 'answers', 'attempts', 'puk_releases', 'audit_log'];
      const parts = await Promise.all(
        tables.map((t) => server.query<{ row: string }>(url, `SELECT r::text AS row FROM ${t} r`)),
      );
      return parts
        .flat()
        .map((r) => r.row)
        .join('\n');
    },
    async exec(storage, sql) {
      await server.query(urlOf(storage), sql);
    },
  });
} else {
  describe('the domain on PostgreSQL', () => {
    it.skip(`skipped: ${pg.reason}`, () => {});
  });
}
