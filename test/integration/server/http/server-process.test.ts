import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdminInProcess } from '../../../support/admin-cli';
import { csvField, importFixtures } from '../../../unit/server/cli/import-fixtures';

const key = (n: number) => Buffer.alloc(32, n).toString('base64');

const root = fileURLToPath(new URL('../../../../', import.meta.url));

/** `npm run server`'s command, run with the local tsx (no npm in between, so signals reach it). */
function serverCommand(): { command: string; args: string[] } {
  const scripts = (
    JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    }
  ).scripts;
  const [tool, ...args] = scripts.server!.split(' ');
  expect(tool).toBe('tsx');
  return { command: join(root, 'node_modules', '.bin', 'tsx'), args };
}

interface Started {
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly lines: string[];
  /** Resolves with the URL from the `listening` log line, or undefined when the process ends first. */
  readonly listening: Promise<string | undefined>;
  kill(signal: NodeJS.Signals): void;
}

function start(env: Record<string, string>, args?: string[]): Started {
  const { command, args: defaultArgs } = serverCommand();
  const child = spawn(command, args ?? defaultArgs, {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let found: (url: string | undefined) => void = () => undefined;
  const listening = new Promise<string | undefined>((resolve) => (found = resolve));
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      if (line.includes('"msg":"listening"')) found((JSON.parse(line) as { url: string }).url);
    });
  }
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      found(undefined);
      resolve({ code, signal });
    }),
  );
  return { exit, lines, listening, kill: (signal) => child.kill(signal) };
}

let dataDir: string;
beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'scu-server-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('the server process (npm run server)', () => {
  it('when started on a fresh DATA_DIR, then it answers /healthz and /readyz and stops cleanly on SIGTERM', async () => {
    const server = start({ DATA_DIR: dataDir, PORT: '0' });
    const url = await server.listening;
    if (url === undefined) {
      await server.exit;
      throw new Error(`the server did not start:\n${server.lines.join('\n')}`);
    }
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${url}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ok', checks: { database: 'ok' } });
    const text = server.lines.join('\n');
    expect(text).toContain('DEVELOPMENT');
    expect(text).toContain(join(dataDir, 'development-keys.json'));

    server.kill('SIGTERM');
    expect(await server.exit).toEqual({ code: 0, signal: null });
    expect(server.lines.join('\n')).toContain('"msg":"stopped"');
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
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
