import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withStatementCache } from '../../../../server/storage/statement-cache';

let dir: string;
let file: SqliteDatabase.Database;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'scu-statements-'));
  file = new SqliteDatabase(join(dir, 'cache.sqlite'));
  file.exec('create table t (id integer primary key, name text)');
  file.exec("insert into t (name) values ('a'), ('b'), ('c')");
});

afterEach(() => {
  if (file.open) file.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the SQLite statement cache', () => {
  it('when the same SQL is prepared twice, then the first statement is reused', () => {
    const db = withStatementCache(file);
    const first = db.prepare('select name from t where id = ?');
    expect(db.prepare('select name from t where id = ?')).toBe(first);
    expect(first.all([2])).toEqual([{ name: 'b' }]);
  });

  it('when more distinct SQL texts are prepared than it keeps, then the least recently used one is prepared again', () => {
    const db = withStatementCache(file, 2);
    const a = db.prepare('select 1');
    const b = db.prepare('select 2');
    expect(db.prepare('select 1')).toBe(a);
    db.prepare('select 3');
    expect(db.prepare('select 1')).toBe(a);
    expect(db.prepare('select 2')).not.toBe(b);
  });

  it('when a cached statement is still being iterated, then the next caller gets a fresh one', () => {
    const db = withStatementCache(file);
    const sql = 'select name from t order by id';
    const streaming = db.prepare(sql).iterate([]);
    expect(streaming.next().value).toEqual({ name: 'a' });
    const other = db.prepare(sql);
    expect(other.all([])).toHaveLength(3);
    expect([...streaming]).toEqual([{ name: 'b' }, { name: 'c' }]);
  });

  it('when the schema changes under a cached statement, then it still runs with the new schema', () => {
    const db = withStatementCache(file);
    expect(db.prepare('select * from t where id = ?').all([1])).toEqual([{ id: 1, name: 'a' }]);
    db.prepare("alter table t add column email text default 'x@nhs.net'").run([]);
    expect(db.prepare('select * from t where id = ?').all([1])).toEqual([
      { id: 1, name: 'a', email: 'x@nhs.net' },
    ]);
  });

  it('when it closes, then the file closes', () => {
    const db = withStatementCache(file);
    db.prepare('select 1');
    db.close();
    expect(file.open).toBe(false);
  });
});
