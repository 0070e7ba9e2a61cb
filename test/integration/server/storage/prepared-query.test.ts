import { sql } from 'kysely';
import { describe, expect, it, onTestFinished } from 'vitest';
import { type OpenDatabase, openDatabase } from '../../../../server/storage/database';
import { preparedQuery } from '../../../../server/storage/prepared-query';
import { storageEngines } from '../../../support/storage-engines';

const { engines } = await storageEngines('prepared-query');

const window = (client: string) => ({
  limiter: 'requests',
  client,
  window_start: '2026-03-02T09:00:00.000Z',
  window_end: '2026-03-02T09:01:00.000Z',
  hits: 0,
});

describe.each(engines)('prepared queries on %s', (_, fresh) => {
  /** A fresh database, closed when the test ends however it ends. */
  const open = async (): Promise<OpenDatabase> => {
    const db = await openDatabase(await fresh());
    onTestFinished(() => db.close());
    return db;
  };

  it('when a prepared query runs with new values, then it is built once and each run binds its own values', async () => {
    const db = await open();
    let builds = 0;
    const bump = preparedQuery((kysely, v: { client: string; by: number }) => {
      builds += 1;
      return kysely
        .updateTable('rate_limits')
        .set((eb) => ({ hits: eb('hits', '+', v.by) }))
        .where('client', '=', v.client)
        .returning(['client', 'hits']);
    });
    await db.db
      .insertInto('rate_limits')
      .values([window('a'), window('b')])
      .execute();

    expect((await bump(db.db, { client: 'a', by: 5 })).rows).toEqual([{ client: 'a', hits: 5 }]);
    expect((await bump(db.db, { client: 'b', by: 7 })).rows).toEqual([{ client: 'b', hits: 7 }]);
    expect((await bump(db.db, { client: 'a', by: 1 })).rows).toEqual([{ client: 'a', hits: 6 }]);
    expect((await bump(db.db, { client: 'nobody', by: 1 })).rows).toEqual([]);
    expect(builds).toBe(1);
  });

  it('when a prepared query runs in transactions of its database, then it is built once for all of them and each run is part of its transaction', async () => {
    const db = await open();
    let builds = 0;
    const bump = preparedQuery((kysely, v: { client: string }) => {
      builds += 1;
      return kysely
        .updateTable('rate_limits')
        .set((eb) => ({ hits: eb('hits', '+', 1) }))
        .where('client', '=', v.client)
        .returning('hits');
    });
    await db.db.insertInto('rate_limits').values(window('a')).execute();
    await bump(db.db, { client: 'a' });
    await db.db.transaction().execute((trx) => bump(trx, { client: 'a' }));
    // Rolled back with its transaction: the run was inside it, not on another connection.
    const rolledBack = db.db.transaction().execute(async (trx) => {
      await bump(trx, { client: 'a' });
      throw new Error('rolled back');
    });
    await expect(rolledBack).rejects.toThrow('rolled back');
    expect((await bump(db.db, { client: 'a' })).rows).toEqual([{ hits: 3 }]);
    expect(builds).toBe(1);
  });

  it('when a value holds SQL text, then it is bound as a value and changes nothing else', async () => {
    const db = await open();
    const find = preparedQuery((kysely, v: { client: string }) =>
      kysely.selectFrom('rate_limits').select('client').where('client', '=', v.client),
    );
    await db.db
      .insertInto('rate_limits')
      .values([window('a'), window('b')])
      .execute();
    const hostile = "a' or '1'='1";
    expect((await find(db.db, { client: hostile })).rows).toEqual([]);
    await db.db.insertInto('rate_limits').values(window(hostile)).execute();
    expect((await find(db.db, { client: hostile })).rows).toEqual([{ client: hostile }]);
  });

  it('when two databases run one prepared query, then each compiles it for itself and reads its own rows', async () => {
    const [first, second] = [await open(), await open()];
    let builds = 0;
    const count = preparedQuery((kysely, v: { client: string }) => {
      builds += 1;
      return kysely
        .selectFrom('rate_limits')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('client', '=', v.client);
    });
    await first.db.insertInto('rate_limits').values(window('a')).execute();
    expect(Number((await count(first.db, { client: 'a' })).rows[0]?.n)).toBe(1);
    expect(Number((await count(second.db, { client: 'a' })).rows[0]?.n)).toBe(0);
    expect(Number((await count(first.db, { client: 'a' })).rows[0]?.n)).toBe(1);
    // Compiled per database (a dialect decides the text), and once each.
    expect(builds).toBe(2);
  });

  it('when a query decides something from a value instead of binding it, then its first run throws and names the value', async () => {
    const db = await open();
    const misuse = preparedQuery((kysely, v: { client: string; limit: number }) =>
      kysely
        .selectFrom('rate_limits')
        .select('client')
        // Read to choose the SQL: the SQL would be the same for every later value.
        .where('client', '=', v.limit > 10 ? 'many' : v.client),
    );
    await expect(misuse(db.db, { client: 'a', limit: 1 })).rejects.toThrow(
      /could not be compiled with limit as bound values/,
    );
    const unbound = preparedQuery((kysely, v: { client: string; limit: number }) => {
      // Read, and neither bound nor compared: the value would never reach the database.
      void v.limit;
      return kysely.selectFrom('rate_limits').select('client').where('client', '=', v.client);
    });
    await expect(unbound(db.db, { client: 'a', limit: 1 })).rejects.toThrow(
      /used limit other than as a bound value/,
    );
    const inlined = preparedQuery((kysely, v: { client: string }) =>
      kysely.selectFrom('rate_limits').select(sql.lit(v.client).as('c')),
    );
    await expect(inlined(db.db, { client: 'a' })).rejects.toThrow(/with client as bound values/);
  });

  it('when a value is missing at run time, then the query refuses to run instead of binding nothing', async () => {
    const db = await open();
    const find = preparedQuery((kysely, v: { client: string }) =>
      kysely.selectFrom('rate_limits').select('client').where('client', '=', v.client),
    );
    const values = {} as { client: string };
    await expect(find(db.db, values)).rejects.toThrow(/value client is missing/);
  });
});
