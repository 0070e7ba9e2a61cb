import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../../scripts/free-port';
import { startPostgres } from '../../../support/postgres';
import { startServerProcess } from '../support/server-process';

// The server process when its database refuses or misses it at start (issue 16): a refused
// password or database name is a settings fault (exit 78, not restarted); a database that is
// down is not (exit 1, so systemd tries again). Neither may print the URL's password.
const pg = await startPostgres({ passwordRoles: ['scu_password'] });

const PASSWORD = 'Wr0ng-horse-battery';

let dataDir: string;
beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'scu-database-at-start-'));
});
afterAll(async () => {
  rmSync(dataDir, { recursive: true, force: true });
  if (pg.available) await pg.server.stop();
});

/** Starts the server on `databaseUrl`, waits for it to end, and returns its status and output. */
async function startOn(databaseUrl: string): Promise<{ code: number | null; output: string }> {
  const server = startServerProcess({ DATA_DIR: dataDir, PORT: '0', DATABASE_URL: databaseUrl });
  expect(await server.listening).toBeUndefined();
  const { code } = await server.exit;
  return { code, output: server.lines.join('\n') };
}

describe('the server process when its database is not there at start', () => {
  it('when nothing listens at the DATABASE_URL address, then it exits 1 (to be restarted) naming the address and DATABASE_URL, without the password', async () => {
    const port = await freePort();
    const { code, output } = await startOn(`postgres://scu:${PASSWORD}@127.0.0.1:${port}/scu`);
    expect(code).toBe(1);
    expect(output).toContain(`PostgreSQL at 127.0.0.1:${port}`);
    expect(output).toContain('ECONNREFUSED');
    expect(output).toContain('environment variable DATABASE_URL');
    expect(output).not.toContain(PASSWORD);
  });
});

describe.skipIf(!pg.available)('the server process when PostgreSQL refuses its settings', () => {
  it('when the password in DATABASE_URL is wrong, then it exits 78 naming DATABASE_URL, without the password', async () => {
    if (!pg.available) return;
    await pg.server.query(pg.server.url, "CREATE ROLE scu_password LOGIN PASSWORD 'right-one'");
    const port = new URL(pg.server.url).port;
    const { code, output } = await startOn(
      `postgres://scu_password:${PASSWORD}@127.0.0.1:${port}/postgres`,
    );
    expect(code).toBe(78);
    expect(output).toContain('storage.url (environment variable DATABASE_URL)');
    expect(output).toContain('refused the password of user \\"scu_password\\" (28P01');
    expect(output).toContain('Correct the password in DATABASE_URL');
    expect(output).not.toContain(PASSWORD);
    expect(output).not.toContain('right-one');
  });

  it('when DATABASE_URL names a database that does not exist, then it exits 78 saying so', async () => {
    if (!pg.available) return;
    const url = new URL(pg.server.url);
    url.pathname = '/no_such_database';
    const { code, output } = await startOn(url.href);
    expect(code).toBe(78);
    expect(output).toContain('has no database \\"no_such_database\\" (3D000');
    expect(output).toContain('environment variable DATABASE_URL');
  });
});
