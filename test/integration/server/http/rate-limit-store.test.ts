import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Options } from 'express-rate-limit';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../../../server/app';
import {
  createServices,
  serverCoreSettingsSchema,
  type ServerRuntime,
} from '../../../../server/create-services';
import { createMetrics } from '../../../../server/http/metrics';
import {
  DatabaseRateLimitStore,
  databaseRateLimitStores,
  rateLimitStoresFor,
  type RateLimitStoreFactory,
} from '../../../../server/http/rate-limit-store';
import { listen, type RunningServer } from '../../../../server/http/server';
import { httpSettingsSchema } from '../../../../server/http/settings';
import { createLogger } from '../../../../server/logging';
import { openDatabase, type OpenDatabase } from '../../../../server/storage/database';
import type { StorageSettings } from '../../../../server/storage/storage-settings';
import { storageEngines } from '../../../support/storage-engines';

const { engines, dir } = await storageEngines('rate_limits');

const key = (b: number) => Buffer.alloc(32, b).toString('base64');
const MINUTE = 60_000;
/** A whole minute, so windows start where the test expects. */
const T0 = Date.parse('2026-03-02T09:00:00.000Z');

/** A store as express-rate-limit sets it up: constructed, then initialised with the options. */
function storeOn(db: OpenDatabase, limiter: string, now: () => number): DatabaseRateLimitStore {
  const store = new DatabaseRateLimitStore(db.db, limiter, now);
  store.init({ windowMs: MINUTE } as Options);
  return store;
}

/**
 * One instance: real services on the shared storage, the real app, real HTTP on port 0; the limits
 * counted in the database unless `stores` says otherwise.
 */
async function startInstance(
  storage: StorageSettings,
  rateLimit: { maxRequests: number; maxAttemptStarts: number },
  stores: (db: ServerRuntime['database']['db']) => RateLimitStoreFactory | undefined = (db) =>
    databaseRateLimitStores(db),
): Promise<{ url: string; core: ServerRuntime; running: RunningServer }> {
  const core = await createServices(
    serverCoreSettingsSchema.parse({
      storage,
      mail: { kind: 'outbox', dir: join(dir, 'outbox'), printCodes: false },
      keys: { keyEncryptionKeys: { k1: key(1) }, activeKeyId: 'k1', answerPepper: key(2) },
    }),
  );
  const logger = createLogger('silent', new Writable({ write: (_c, _e, callback) => callback() }));
  const app = createApp({
    services: core,
    logger,
    // Behind a balancer on loopback: the client is the address in X-Forwarded-For.
    http: httpSettingsSchema.parse({
      trustProxy: 'loopback',
      rateLimit: { windowSeconds: 3600, ...rateLimit },
    }),
    metrics: createMetrics({ processMetrics: false }),
    rateLimitStore: stores(core.database.db),
  });
  const running = await listen(app, { host: '127.0.0.1', port: 0, tls: undefined });
  return { url: running.url, core, running };
}

/** The per-address counts in the shared table, by limiter then client. */
async function countsIn(core: ServerRuntime) {
  const rows = await core.database.db
    .selectFrom('rate_limits')
    .select(['limiter', 'client', 'hits'])
    .orderBy('limiter')
    .orderBy('client')
    .execute();
  return rows.map((r) => ({ ...r, hits: Number(r.hits) }));
}

async function send(method: string, url: string, client: string, body?: unknown): Promise<number> {
  const res = await fetch(url, {
    method,
    headers: {
      'x-forwarded-for': client,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? null : JSON.stringify(body),
  });
  await res.arrayBuffer();
  return res.status;
}

const UNKNOWN_CARD = 'f'.repeat(32);
const start = (url: string, client: string) =>
  send('POST', `${url}/v1/unlock/attempts`, client, { cardId: UNKNOWN_CARD });
const cancel = (url: string, client: string) =>
  send('DELETE', `${url}/v1/unlock/attempts/${'z'.repeat(20)}`, client);

describe.each(engines)('the database rate-limit store on %s', (_engine, fresh) => {
  it('when 60 requests from one client race through two connections, then each gets its own count and none is lost', async () => {
    const storage = await fresh();
    const a = await openDatabase(storage);
    const b = await openDatabase(storage);
    try {
      const now = () => T0 + 5_000;
      const stores = [storeOn(a, 'requests', now), storeOn(b, 'requests', now)];
      const results = await Promise.all(
        Array.from({ length: 60 }, (_, i) => stores[i % 2]!.increment('203.0.113.7')),
      );
      expect(results.map((r) => r.totalHits).sort((x, y) => x - y)).toEqual(
        Array.from({ length: 60 }, (_, i) => i + 1),
      );
      expect(results.every((r) => r.resetTime?.toISOString() === '2026-03-02T09:01:00.000Z')).toBe(
        true,
      );
      expect((await stores[1]!.get('203.0.113.7'))?.totalHits).toBe(60);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('when the window ends, then the count starts again; limiters and clients count apart', async () => {
    const db = await openDatabase(await fresh());
    let at = T0 + 59_000;
    const requests = storeOn(db, 'requests', () => at);
    const starts = storeOn(db, 'attempt-starts', () => at);
    try {
      await requests.increment('203.0.113.7');
      expect((await requests.increment('203.0.113.7')).totalHits).toBe(2);
      expect((await starts.increment('203.0.113.7')).totalHits).toBe(1);
      expect((await requests.increment('203.0.113.8')).totalHits).toBe(1);
      at = T0 + MINUTE;
      const next = await requests.increment('203.0.113.7');
      expect(next.totalHits).toBe(1);
      expect(next.resetTime?.toISOString()).toBe('2026-03-02T09:02:00.000Z');
    } finally {
      await db.close();
    }
  });

  it('when a hit is taken back or a client reset, then its count follows and never goes below zero', async () => {
    const db = await openDatabase(await fresh());
    const store = storeOn(db, 'requests', () => T0);
    try {
      await store.increment('203.0.113.7');
      await store.increment('203.0.113.7');
      await store.decrement('203.0.113.7');
      expect((await store.get('203.0.113.7'))?.totalHits).toBe(1);
      await store.decrement('203.0.113.7');
      await store.decrement('203.0.113.7');
      expect((await store.get('203.0.113.7'))?.totalHits).toBe(0);
      await store.resetKey('203.0.113.7');
      expect(await store.get('203.0.113.7')).toBeUndefined();
    } finally {
      await db.close();
    }
  });

  it('when requests from one client are split across two app instances, then the limits count them together', async () => {
    const storage = await fresh();
    const limits = { maxRequests: 6, maxAttemptStarts: 3 };
    const a = await startInstance(storage, limits);
    const b = await startInstance(storage, limits);
    try {
      const client = '203.0.113.7';
      // Three attempt starts, two on A and one on B, use up the start limit on both.
      expect([
        await start(a.url, client),
        await start(b.url, client),
        await start(a.url, client),
      ]).toEqual([201, 201, 201]);
      expect(await start(b.url, client)).toBe(429);
      // The general limit has counted those four as well: two more pass, then both refuse.
      expect([await cancel(b.url, client), await cancel(a.url, client)]).toEqual([404, 404]);
      expect([await cancel(a.url, client), await cancel(b.url, client)]).toEqual([429, 429]);
      // Another client behind the same balancer has its own budget.
      expect(await start(b.url, '203.0.113.8')).toBe(201);
      expect(await countsIn(a.core)).toEqual([
        { limiter: 'attempt-starts', client: '203.0.113.7', hits: 4 },
        { limiter: 'attempt-starts', client: '203.0.113.8', hits: 1 },
        { limiter: 'requests', client: '203.0.113.7', hits: 8 },
        { limiter: 'requests', client: '203.0.113.8', hits: 1 },
      ]);
    } finally {
      for (const instance of [a, b]) {
        await instance.running.close(1000);
        await instance.core.close();
      }
    }
  });
});

describe.each(engines)(
  'the server on %s, with its limits counted as server/index.ts wires them',
  (engine, fresh) => {
    it(
      engine.startsWith('PostgreSQL')
        ? 'when a client passes its limit, then it is refused, and the counts are in the shared table'
        : 'when a client passes its limit, then it is refused all the same, and nothing is written per request (one instance: counted in memory)',
      async () => {
        const storage = await fresh();
        const instance = await startInstance(
          storage,
          { maxRequests: 3, maxAttemptStarts: 2 },
          (db) => rateLimitStoresFor(storage, db),
        );
        try {
          const client = '203.0.113.9';
          expect([await start(instance.url, client), await start(instance.url, client)]).toEqual([
            201, 201,
          ]);
          expect(await start(instance.url, client)).toBe(429);
          expect(await cancel(instance.url, client)).toBe(429);
          expect(await cancel(instance.url, '203.0.113.10')).toBe(404);
          expect(await countsIn(instance.core)).toEqual(
            storage.kind === 'postgres'
              ? [
                  { limiter: 'attempt-starts', client: '203.0.113.9', hits: 3 },
                  { limiter: 'requests', client: '203.0.113.10', hits: 1 },
                  { limiter: 'requests', client: '203.0.113.9', hits: 4 },
                ]
              : [],
          );
        } finally {
          await instance.running.close(1000);
          await instance.core.close();
        }
      },
    );
  },
);
