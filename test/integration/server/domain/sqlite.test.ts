import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterAll } from 'vitest';
import type { StorageSettings } from '../../../../server/storage/storage-settings';
import { domainSuite } from './domain-suite';

const dir = mkdtempSync(join(tmpdir(), 'smartcard-unlock-sqlite-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fileOf = (storage: StorageSettings): string => {
  if (storage.kind !== 'sqlite') throw new Error('not SQLite');
  return storage.file;
};

domainSuite({
  name: 'SQLite (a real database file)',
  multiInstance: false,
  freshStorage: () =>
    Promise.resolve({ kind: 'sqlite', file: join(dir, `domain-${++n}.db`), busyTimeoutMs: 5_000 }),
  dumpAll(storage) {
    // The raw bytes of the database and its write-ahead log: whatever was written is in there.
    const file = fileOf(storage);
    return Promise.resolve(
      [file, `${file}-wal`]
        .filter((f) => existsSync(f))
        .map((f) => readFileSync(f).toString('latin1'))
        .join('\n'),
    );
  },
  exec(storage, sql) {
    const db = new SqliteDatabase(fileOf(storage));
    try {
      db.exec(sql);
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    } finally {
      db.close();
    }
  },
});
