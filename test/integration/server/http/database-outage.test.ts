import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorResponseSchema } from '../../../../src/shared/http-api';
import { startPostgres } from '../../../support/postgres';
import { startServerProcess, type Started } from '../support/server-process';

// The server process on PostgreSQL while its database restarts, drops its connections or
// freezes (issue 16): it must neither die nor hang, answer 503 meanwhile and recover by itself.
const pg = await startPostgres();

/** How long a test waits for an expected answer before failing: generous, for a loaded machine. */
const PATIENCE_MS = 60_000;

/** A /v1 unlock start for a fresh card id (a card has at most 3 open attempts). */
async function startAttempt(url: string): Promise<Response> {
  return fetch(`${url}/v1/unlock/attempts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ cardId: randomBytes(16).toString('hex') }),
  });
}

/** Asks until the answer has the status wanted, and returns that answer; fails after PATIENCE_MS. */
async function until(status: number, ask: () => Promise<Response>): Promise<Response> {
  const deadline = Date.now() + PATIENCE_MS;
  let last: number | undefined;
  for (;;) {
    const res = await ask();
    if (res.status === status) return res;
    last = res.status;
    await res.arrayBuffer();
    if (Date.now() > deadline) throw new Error(`still ${last}, not ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The 503 a holder gets while the database is away: its own code and a Retry-After. */
async function expectUnavailable(res: Response): Promise<void> {
  expect(res.status).toBe(503);
  expect(res.headers.get('retry-after')).toBe('30');
  expect(errorResponseSchema.parse(await res.json()).error.code).toBe('SERVICE_UNAVAILABLE');
}

if (pg.available) {
  const { server: postgres } = pg;
  describe('the server process on PostgreSQL when the database goes away', () => {
    let dataDir: string;
    let server: Started;
    let url: string;
    let operatorUrl: string;
    let databaseUrl: string;
    let exited = false;
    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'scu-outage-'));
      databaseUrl = await postgres.createDatabase('outage');
      server = startServerProcess({
        DATA_DIR: dataDir,
        PORT: '0',
        DATABASE_URL: databaseUrl,
        DATABASE_POOL_SIZE: '4',
      });
      void server.exit.then(() => (exited = true));
      const [u, o] = await Promise.all([server.listening, server.operatorUrl]);
      if (u === undefined || o === undefined) {
        throw new Error(`the server did not start:\n${server.lines.join('\n')}`);
      }
      [url, operatorUrl] = [u, o];
    });
    afterAll(async () => {
      server.kill('SIGTERM');
      await server.exit;
      await postgres.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    const readyz = () => fetch(`${operatorUrl}/readyz`);

    /** The server is still running, never crashed on a pool error, and serves again. */
    async function expectRecovered(): Promise<void> {
      await until(200, readyz);
      await until(201, () => startAttempt(url));
      expect(exited).toBe(false);
      expect(server.lines.join('\n')).not.toMatch(/Unhandled 'error' event/);
    }

    it('when every connection is terminated (pg_terminate_backend), then it keeps running and serves again', async () => {
      await until(201, () => startAttempt(url));
      const idle = await postgres.query<{ n: string }>(
        postgres.url,
        "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = 'outage'",
      );
      expect(Number(idle[0]?.n)).toBeGreaterThan(0);
      await postgres.query(
        postgres.url,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'outage'",
      );
      await expectRecovered();
    });

    it('when PostgreSQL stops and starts again, then it answers 503 SERVICE_UNAVAILABLE meanwhile and recovers by itself', async () => {
      await until(201, () => startAttempt(url));
      await postgres.pause();
      try {
        await until(503, readyz);
        await expectUnavailable(await until(503, () => startAttempt(url)));
        expect(exited).toBe(false);
      } finally {
        await postgres.start();
      }
      await expectRecovered();
      expect(server.lines.join('\n')).toContain('"msg":"database unavailable"');
    });

    it('when PostgreSQL is frozen (SIGSTOP), then /readyz and /v1 answer 503 rather than hang, and it recovers', async () => {
      await until(201, () => startAttempt(url));
      postgres.freeze();
      try {
        expect((await readyz()).status).toBe(503);
        await expectUnavailable(await startAttempt(url));
      } finally {
        postgres.thaw();
      }
      await expectRecovered();
    });
  }, 180_000);
} else {
  describe('the server process on PostgreSQL when the database goes away', () => {
    it.skip(`skipped: ${pg.reason}`, () => {});
  });
}
