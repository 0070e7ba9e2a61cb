import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import type { StorageSettings } from '../../server/storage/storage-settings';
import { startPostgres } from './postgres';

/** A database engine under test: its name and a maker of fresh, empty storage settings. */
export type StorageEngine = readonly [name: string, fresh: () => Promise<StorageSettings>];

/**
 * The engines a storage test runs on, each giving a fresh database per call: a real SQLite file in
 * a private folder (`dir`, free for the test's other files too), and a database on the private
 * PostgreSQL cluster when it can start (otherwise a skipped test says why; in CI `startPostgres`
 * fails instead). Call once at a test file's top level: the folder and the cluster are removed
 * after the file.
 */
export async function storageEngines(
  topic: string,
  options: { readonly poolSize?: number } = {},
): Promise<{ readonly engines: readonly StorageEngine[]; readonly dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), `scu-${topic}-`));
  const pg = await startPostgres();
  let n = 0;
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    if (pg.available) await pg.server.stop();
  });
  const engines: StorageEngine[] = [
    [
      'SQLite (a real file)',
      () =>
        Promise.resolve({ kind: 'sqlite', file: join(dir, `db${++n}.db`), busyTimeoutMs: 5000 }),
    ],
  ];
  if (pg.available) {
    const { server } = pg;
    engines.push([
      'PostgreSQL (a private cluster)',
      async () => ({
        kind: 'postgres',
        url: await server.createDatabase(`${topic.replace(/\W/g, '_')}_${++n}`),
        poolSize: options.poolSize ?? 8,
        connectTimeoutMs: 3000,
        statementTimeoutMs: 5000,
      }),
    ]);
  } else {
    describe(`${topic} on PostgreSQL`, () => it.skip(`skipped: ${pg.reason}`, () => {}));
  }
  return { engines, dir };
}
