import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import type { StorageSettings } from '../../server/storage/storage-settings';
import { startPostgres } from './postgres';

/** A database engine under test: its name and a maker of fresh, empty storage settings. */
export type StorageEngine = readonly [name: string, fresh: () => Promise<StorageSettings>];

/**
 * The engines a storage test runs on, a fresh database per call: SQLite in a private `dir`, and the
 * private PostgreSQL where it starts. Call once per file; both are removed after it.
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
