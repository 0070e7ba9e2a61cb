import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess as start } from '../support/server-process';
import { runAdminInProcess } from '../../../support/admin-cli';
import { csvField, importFixtures } from '../../../unit/server/cli/import-fixtures';

const key = (n: number) => Buffer.alloc(32, n).toString('base64');

let dataDir: string;
beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'scu-server-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('the server process (npm run server)', () => {
  it('when started on a fresh DATA_DIR, then it answers /healthz, /readyz and /metrics on the operator listener and stops cleanly on SIGTERM', async () => {
    const server = start({ DATA_DIR: dataDir, PORT: '0' });
    const url = await server.listening;
    const operatorUrl = await server.operatorUrl;
    if (url === undefined || operatorUrl === undefined) {
      await server.exit;
      throw new Error(`the server did not start:\n${server.lines.join('\n')}`);
    }
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(operatorUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(operatorUrl).not.toBe(url);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(404);
    expect((await fetch(`${url}/metrics`)).status).toBe(404);
    const ready = await fetch(`${operatorUrl}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ok', checks: { database: 'ok' } });
    const metrics = await (await fetch(`${operatorUrl}/metrics`)).text();
    expect(metrics).toContain(
      'scu_http_requests_total{method="GET",route="unmatched",status="404"}',
    );
    expect(metrics).toContain('process_cpu_user_seconds_total');
    const text = server.lines.join('\n');
    expect(text).toContain('DEVELOPMENT');
    expect(text).toContain(join(dataDir, 'development-keys.json'));

    server.kill('SIGTERM');
    expect(await server.exit).toEqual({ code: 0, signal: null });
    expect(server.lines.join('\n')).toContain('"msg":"stopped"');
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    await expect(fetch(`${operatorUrl}/healthz`)).rejects.toThrow();
  });

  it('when the operator listener cannot listen, then it exits 1 naming that listener', async () => {
    const server = start({ DATA_DIR: dataDir, PORT: '0', OPERATOR_HOST: '192.0.2.1' });
    expect(await server.listening).toBeUndefined();
    expect((await server.exit).code).toBe(1);
    expect(server.lines.join('\n')).toContain(
      'cannot listen on 192.0.2.1:0 (the operator listener)',
    );
  });

  it('when the request timeout is not above the headers timeout, then it exits 78 naming the setting and its source', async () => {
    const file = join(dataDir, 'timeouts.json');
    writeFileSync(
      file,
      JSON.stringify({
        http: { connections: { headersTimeoutMs: 20_000, requestTimeoutMs: 15_000 } },
      }),
    );
    const server = start({ DATA_DIR: dataDir, PORT: '0', SCU_CONFIG: file });
    expect(await server.listening).toBeUndefined();
    expect((await server.exit).code).toBe(78);
    const text = server.lines.join('\n');
    expect(text).toContain(`http.connections.requestTimeoutMs (config file ${file})`);
    expect(text).toContain('must be longer than http.connections.headersTimeoutMs');
  });

  it('when stored PUKs need a key-encryption key the settings lack, then it refuses to start, naming the key', async () => {
    const folder = join(dataDir, 'kek');
    const keys = {
      SCU_KEY_ENCRYPTION_KEYS: `old=${key(1)},new=${key(2)}`,
      SCU_ACTIVE_KEY_ID: 'old',
      SCU_ANSWER_PEPPER: key(3),
    };
    const f = importFixtures();
    const csv = join(dataDir, 'kek.csv');
    writeFileSync(
      csv,
      [
        'cardId,holderName,email,pivAuthentication,cardAuthentication,puk',
        [
          'ab'.repeat(16),
          'Holder',
          'holder@nhs.net',
          csvField(f.pem),
          f.spkiDer64,
          '12345678',
        ].join(','),
      ].join('\n'),
    );
    const imported = await runAdminInProcess(dataDir, { DATA_DIR: folder, ...keys }, 'import', csv);
    expect(imported.status).toBe(0);

    // The old key removed too early: the card's PUK is still sealed under it.
    const server = start({
      DATA_DIR: folder,
      PORT: '0',
      ...keys,
      SCU_KEY_ENCRYPTION_KEYS: `new=${key(2)}`,
      SCU_ACTIVE_KEY_ID: 'new',
    });
    expect(await server.listening).toBeUndefined();
    expect((await server.exit).code).toBe(78);
    const text = server.lines.join('\n');
    expect(text).toContain('not in the settings: \\"old\\" (1 PUK)');
    expect(text).toContain('Put the keys back in SCU_KEY_ENCRYPTION_KEYS');

    // With both keys it starts.
    const fixed = start({ DATA_DIR: folder, PORT: '0', ...keys });
    expect(await fixed.listening).toMatch(/^http:/);
    fixed.kill('SIGTERM');
    expect((await fixed.exit).code).toBe(0);
  });

  it('when a setting is wrong, then it exits 78 naming the setting and its source', async () => {
    const server = start({ DATA_DIR: dataDir, PORT: 'eighty' });
    expect((await server.exit).code).toBe(78);
    expect(server.lines.join('\n')).toContain('port (environment variable PORT)');
  });
});
