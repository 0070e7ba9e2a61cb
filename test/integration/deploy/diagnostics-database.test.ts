import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../server/app';
import { createServices, serverCoreSettingsSchema } from '../../../server/create-services';
import { databaseRateLimitStores } from '../../../server/http/rate-limit-store';
import { httpSettingsSchema } from '../../../server/http/settings';
import { listen, type RunningServer } from '../../../server/http/server';
import { collectDiagnostics } from '../../../src/main/diagnostics/collect-diagnostics';
import { runDiagnosticsCommand } from '../../../src/main/diagnostics/diagnostics-command';
import { formatDiagnosticsText } from '../../../src/shared/diagnostics-report';
import { startPostgres } from '../../support/postgres';

// Issue 16 item 9: the workstation's report must tell a server whose database is down from a
// healthy one. The real server app, in process, on a private PostgreSQL that the test stops.
const pg = await startPostgres();

if (pg.available) {
  const { server: postgres } = pg;
  describe('diagnostics against a server whose database goes down', () => {
    let dir: string;
    let core: Awaited<ReturnType<typeof createServices>>;
    let server: RunningServer;
    let inputs: Parameters<typeof runDiagnosticsCommand>[0];

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'scu-diagnostics-db-'));
      core = await createServices(
        serverCoreSettingsSchema.parse({
          storage: { kind: 'postgres', url: await postgres.createDatabase('diagnostics') },
          mail: { kind: 'outbox', dir: join(dir, 'outbox') },
          keys: {
            keyEncryptionKeys: { main: randomBytes(32).toString('base64') },
            activeKeyId: 'main',
            answerPepper: randomBytes(32).toString('base64'),
          },
        }),
      );
      const app = createApp({
        services: core,
        logger: pino({ level: 'silent' }),
        http: httpSettingsSchema.parse({}),
        // As the server process does: the per-address limits count in the database too.
        rateLimitStore: databaseRateLimitStores(core.database.db),
      });
      server = await listen(app, { host: '127.0.0.1', port: 0, tls: undefined });
      const profile = join(dir, 'card.json');
      writeFileSync(
        profile,
        JSON.stringify({
          guid: 'c0ffee00c0ffee00c0ffee00c0ffee01',
          holderName: 'Ms Diagnostics',
          pin: '123456',
          puk: '12345678',
          pinTriesLeft: 3,
          pukTriesLeft: 3,
        }),
      );
      inputs = {
        machineFile: join(dir, 'none.json'),
        userFile: join(dir, 'none.json'),
        env: {},
        argv: [`--server-url=${server.url}`, '--mock-reader', `--mock-card-profile=${profile}`],
      };
    });

    afterAll(async () => {
      await server?.close(1000);
      await core?.close();
      await postgres.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('when the database answers, then the server is healthy and the command exits 0', async () => {
      const report = await collectDiagnostics({ inputs, version: '1.0.0' });
      expect(report.server).toMatchObject({ status: 200, healthy: true, database: 'ok' });
      expect(await runDiagnosticsCommand(inputs, '1.0.0', () => undefined)).toBe(0);
    });

    it('when PostgreSQL is stopped, then the report says the server runs but its database does not, and the command exits 1', async () => {
      await postgres.pause();
      try {
        const report = await collectDiagnostics({ inputs, version: '1.0.0' });
        expect(report.server).toMatchObject({
          reachable: true,
          status: 503,
          healthy: false,
          database: 'unavailable',
        });
        const text = formatDiagnosticsText(report);
        expect(text).toContain(
          `Server ${server.url}: reachable, but its DATABASE IS NOT AVAILABLE`,
        );
        expect(text).not.toContain('healthy');
        let printed = '';
        expect(await runDiagnosticsCommand(inputs, '1.0.0', (t) => (printed += t))).toBe(1);
        expect(printed).toContain('DATABASE IS NOT AVAILABLE');
      } finally {
        await postgres.start();
      }
    });
  }, 120_000);
} else {
  describe('diagnostics against a server whose database goes down', () => {
    it.skip(`skipped: ${pg.reason}`, () => {});
  });
}
