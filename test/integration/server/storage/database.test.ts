import { chmodSync, statSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../../server/storage/database';
import { recordFailure, upsertCard } from '../../../../server/storage/card-repository';
import { reservePukRelease } from '../../../../server/storage/puk-repository';
import { appendAudit, listAudit } from '../../../../server/storage/audit-repository';
import { findAttempt, insertAttempt } from '../../../../server/storage/attempt-repository';
import type { Database } from '../../../../server/storage/schema';
import type { StorageSettings } from '../../../../server/storage/storage-settings';
import { storageEngines } from '../../../support/storage-engines';
import { migratedTo, storedCard } from '../../../support/storage-fixtures';

const { engines, dir } = await storageEngines('storage');

const card = storedCard;

/** The attempts table's columns (name, type, nullability, default) and index names. */
async function attemptsShape(db: Kysely<Database>, kind: StorageSettings['kind']) {
  if (kind === 'sqlite') {
    const columns = await sql<Record<string, unknown>>`PRAGMA table_info(attempts)`.execute(db);
    const indexes = await sql<{ name: string }>`
      SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'attempts' ORDER BY name`.execute(
      db,
    );
    return { columns: columns.rows, indexes: indexes.rows.map((r) => r.name) };
  }
  const columns = await sql<Record<string, unknown>>`
    SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns
    WHERE table_name = 'attempts' ORDER BY ordinal_position`.execute(db);
  const indexes = await sql<{ indexname: string }>`
    SELECT indexname FROM pg_indexes WHERE tablename = 'attempts' ORDER BY indexname`.execute(db);
  return { columns: columns.rows, indexes: indexes.rows.map((r) => r.indexname) };
}

describe.each(engines)('storage on %s', (_, fresh) => {
  it('when a database from before attempts for any card is upgraded, then every attempt, column, default and index stays, and an attempt for an unknown card id can start', async () => {
    const settings = await fresh();
    const old = await migratedTo(settings, '0003-bounded-growth');
    await upsertCard(old, card('a'.repeat(32)), '2026-03-02T09:00:00.000Z');
    const attempt = {
      attemptId: 'attempt-before-0004',
      kind: 'unlock' as const,
      cardId: 'a'.repeat(32),
      createdAt: '2026-03-02T09:00:00.000Z',
      expiresAt: '2026-03-02T09:15:00.000Z',
      nonce: 'n'.repeat(43),
      nonceExpiresAt: '2026-03-02T09:02:00.000Z',
    };
    await insertAttempt(old, attempt);
    await expect(
      insertAttempt(old, { ...attempt, attemptId: 'x', cardId: 'f'.repeat(32) }),
    ).rejects.toThrow();
    const before = await attemptsShape(old, settings.kind);
    const rowBefore = await findAttempt(old, attempt.attemptId, 'unlock');
    await old.destroy();

    const upgraded = await openDatabase(settings);
    try {
      const after = await attemptsShape(upgraded.db, settings.kind);
      // Later migrations only add columns (0005: the code a send replaced; 0007: its channel;
      // 0012: the desk's reference and approval, with the reference's index).
      const nameOf = (c: Record<string, unknown>) => String(c.name ?? c.column_name);
      const added = after.columns.filter((c) =>
        /^(prev_code_|code_channel$|approval_|approved_)/.test(nameOf(c)),
      );
      expect(added.map(nameOf).sort()).toEqual([
        'approval_expires_at',
        'approval_ref_hash',
        'approval_requests',
        'approved_at',
        'approved_by',
        'code_channel',
        'prev_code_expires_at',
        'prev_code_hash',
        'prev_code_tries',
        'prev_code_used_at',
      ]);
      expect({
        columns: after.columns.filter((c) => !added.includes(c)),
        indexes: after.indexes.filter((name) => name !== 'attempts_approval_ref_hash'),
      }).toEqual(before);
      // The new columns read as an attempt that never asked the desk.
      expect(await findAttempt(upgraded.db, attempt.attemptId, 'unlock')).toEqual({
        ...rowBefore,
        approvalRefHash: null,
        approvalExpiresAt: null,
        approvalRequests: 0,
        approvedAt: null,
        approvedBy: null,
      });
      await insertAttempt(upgraded.db, { ...attempt, attemptId: 'y', cardId: 'f'.repeat(32) });
      expect(await findAttempt(upgraded.db, 'y', 'unlock')).toMatchObject({
        cardId: 'f'.repeat(32),
        state: 'started',
        sends: 0,
        codeTries: 0,
      });
    } finally {
      await upgraded.close();
    }
  });

  it('when the database is opened twice, then the migrations apply once and the data stays', async () => {
    const settings = await fresh();
    const first = await openDatabase(settings);
    await upsertCard(first.db, card('a'.repeat(32)), '2026-03-02T09:00:00.000Z');
    await first.close();
    const second = await openDatabase(settings);
    const rows = await second.db.selectFrom('cards').select('card_id').execute();
    expect(rows).toEqual([{ card_id: 'a'.repeat(32) }]);
    expect(await second.ping()).toEqual({ ok: true });
    await second.close();
  });

  it('when 40 failures are recorded at once, then the count stops exactly at the limit', async () => {
    const db = await openDatabase(await fresh());
    const cardId = 'b'.repeat(32);
    await upsertCard(db.db, card(cardId), '2026-03-02T09:00:00.000Z');
    const results = await Promise.all(
      Array.from({ length: 40 }, () => recordFailure(db.db, cardId, 3, '2026-03-02T09:00:01.000Z')),
    );
    expect(results.filter((r) => r !== undefined).sort()).toEqual([1, 2, 3]);
    const row = await db.db.selectFrom('cards').select('failures').executeTakeFirstOrThrow();
    expect(row.failures).toBe(3);
    await db.close();
  });

  it('when PUK releases race, then the daily counter never passes its cap and each day starts again', async () => {
    const db = await openDatabase(await fresh());
    const cardId = 'c'.repeat(32);
    await upsertCard(db.db, card(cardId), '2026-03-02T09:00:00.000Z');
    const results = await Promise.all(
      Array.from({ length: 10 }, () => reservePukRelease(db.db, cardId, '2026-03-02', 3)),
    );
    expect(results.filter((r) => r !== undefined)).toHaveLength(3);
    expect(await reservePukRelease(db.db, cardId, '2026-03-03', 3)).toBe(1);
    await db.close();
  });

  it('when the audit trail is written, then rows read back newest first and cannot be changed', async () => {
    const settings = await fresh();
    const db = await openDatabase(settings);
    for (const action of ['unlock.start', 'unlock.proof']) {
      await appendAudit(db.db, {
        at: '2026-03-02T09:00:00.000Z',
        cardId: 'd'.repeat(32),
        attemptId: 'attempt-1',
        action,
        outcome: 'ok',
        sourceAddress: '10.0.0.7',
        requestId: 'req-1',
      });
    }
    const trail = await listAudit(db.db, { cardId: 'd'.repeat(32), limit: 10 });
    expect(trail.map((e) => e.action)).toEqual(['unlock.proof', 'unlock.start']);
    await expect(sql`UPDATE audit_log SET outcome = 'changed'`.execute(db.db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`DELETE FROM audit_log`.execute(db.db)).rejects.toThrow(/append-only/);
    if (settings.kind === 'postgres') {
      await expect(sql`TRUNCATE audit_log`.execute(db.db)).rejects.toThrow(/append-only/);
    }
    expect(await listAudit(db.db, { limit: 10 })).toHaveLength(2);
    await db.close();
  });
});

describe('SQLite', () => {
  it('when the database is opened, then the file is in WAL mode', async () => {
    const file = join(dir, 'wal.db');
    const db = await openDatabase({ kind: 'sqlite', file, busyTimeoutMs: 5000 });
    await db.close();
    const raw = new SqliteDatabase(file);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  const modes = (file: string) =>
    [file, `${file}-wal`, `${file}-shm`].map((path) => [path, statSync(path).mode & 0o777]);
  const ownerOnly = (file: string) =>
    [file, `${file}-wal`, `${file}-shm`].map((path) => [path, 0o600]);

  it('when the database is created and written, then it and its -wal and -shm files are 0600', async () => {
    const file = join(dir, 'private.db');
    const db = await openDatabase({ kind: 'sqlite', file, busyTimeoutMs: 5000 });
    expect(modes(file)).toEqual(ownerOnly(file));
    await upsertCard(db.db, card('e'.repeat(32)), '2026-03-02T09:00:00.000Z');
    expect(modes(file)).toEqual(ownerOnly(file));
    await db.close();
  });

  it('when an existing database and its side files are readable by all, then opening makes them 0600', async () => {
    const file = join(dir, 'loose.db');
    // An older version's files, still open by another process so the -wal and -shm stay.
    const older = new SqliteDatabase(file);
    older.pragma('journal_mode = WAL');
    older.exec('CREATE TABLE t (x)');
    for (const [path] of modes(file)) chmodSync(path as string, 0o644);
    const db = await openDatabase({ kind: 'sqlite', file, busyTimeoutMs: 5000 });
    expect(modes(file)).toEqual(ownerOnly(file));
    await upsertCard(db.db, card('f'.repeat(32)), '2026-03-02T09:00:00.000Z');
    expect(modes(file)).toEqual(ownerOnly(file));
    await db.close();
    older.close();
  });
});

describe('opening a database that cannot be reached', () => {
  it('when PostgreSQL refuses the connection, then opening fails with the cause', async () => {
    await expect(
      openDatabase({
        kind: 'postgres',
        url: 'postgres://nobody@127.0.0.1:1/none',
        poolSize: 1,
        connectTimeoutMs: 3000,
        statementTimeoutMs: 5000,
      }),
    ).rejects.toThrow(/PostgreSQL|postgres|ECONNREFUSED/);
  });
});
