import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENVIRONMENT } from '../../../server/config';
import { makeTestCertificate } from '../../unit/server/config/test-certificate';
import { spawnServer, type ServerProcess } from '../../support/server-process';
import { parseUnit } from './support/systemd-unit';

/**
 * The server starts as IT will start it: from the systemd unit's ExecStart and from the container
 * definition's CMD, parsed from the files, with only the install paths swapped for temp ones. Here
 * in this checkout after `npm run build:server`; server-install.test.ts installs it in a clean folder.
 */

const root = fileURLToPath(new URL('../../../', import.meta.url));
const deploy = join(root, 'deploy');
const run = promisify(execFile);
const KNOWN_ENV = new Set(['NODE_ENV', ...ENVIRONMENT.map((e) => e.name)]);

let dir: string;
let tls: { certFile: string; keyFile: string };
const secrets = {
  SCU_KEY_ENCRYPTION_KEYS: `k1=${randomBytes(32).toString('base64')}`,
  SCU_ACTIVE_KEY_ID: 'k1',
  SCU_ANSWER_PEPPER: randomBytes(32).toString('base64'),
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scu-deploy-'));
  tls = makeTestCertificate(dir);
  // Both command lines run the built server (out/server), as a release has it.
  await run('npm', ['run', 'build:server'], { cwd: root });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The port of a started server's `listening` line. */
async function portOf(server: ServerProcess): Promise<number> {
  return Number(new URL((await server.listened()).url).port);
}

/** GET /healthz over HTTPS, trusting the test CA. */
function healthz(port: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(
      {
        host: '127.0.0.1',
        port,
        path: '/healthz',
        ca: readFileSync(tls.certFile),
        servername: 'localhost',
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    ).on('error', reject);
  });
}

/** A server config for tests: the sample's shape on SQLite and an outbox, on a free port. */
function testConfig(name: string): string {
  const sample = JSON.parse(
    readFileSync(join(deploy, 'server', 'config.sample.json'), 'utf8'),
  ) as Record<string, unknown>;
  const file = join(dir, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      ...sample,
      host: '127.0.0.1',
      port: 0,
      storage: { kind: 'sqlite', file: join(dir, `${name}.sqlite`) },
      mail: { kind: 'outbox', dir: join(dir, `${name}-outbox`) },
    }),
  );
  return file;
}

describe('systemd unit', () => {
  const unit = parseUnit(
    readFileSync(join(deploy, 'systemd', 'smartcard-unlock-server.service'), 'utf8'),
  );
  const one = (key: string) => {
    const values = unit.get(key) ?? [];
    expect(values, key).toHaveLength(1);
    return values[0]!;
  };

  it('when the unit is read, then it is hardened and keeps its data in a state directory', () => {
    expect(one('DynamicUser')).toBe('yes');
    expect(one('ProtectSystem')).toBe('strict');
    expect(one('NoNewPrivileges')).toBe('yes');
    expect(one('StateDirectory')).toBe('smartcard-unlock-server');
    expect(unit.get('Environment')).toContain('DATA_DIR=/var/lib/smartcard-unlock-server');
    expect(unit.has('MemoryDenyWriteExecute')).toBe(false); // V8's JIT would crash
  });

  it('when ExecStart runs with the install paths swapped for temp ones, then /healthz answers and SIGTERM stops it cleanly', async () => {
    const credentials = join(dir, 'credentials');
    mkdirSync(credentials, { recursive: true });
    for (const credential of unit.get('LoadCredential') ?? []) {
      const [name, source] = credential.split(':') as [string, string];
      copyFileSync(
        source.endsWith('key.pem') ? tls.keyFile : tls.certFile,
        join(credentials, name),
      );
    }
    const swap = (text: string) =>
      text
        .replaceAll('%d', credentials)
        .replaceAll('/etc/smartcard-unlock-server/config.json', testConfig('systemd'))
        .replaceAll('/var/lib/smartcard-unlock-server', join(dir, 'systemd-data'));
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', ...secrets };
    for (const assignment of unit.get('Environment') ?? []) {
      const [name, ...value] = swap(assignment).split('=');
      expect(KNOWN_ENV, `Environment=${assignment}`).toContain(name);
      env[name!] = value.join('=');
    }
    expect(one('WorkingDirectory')).toBe('/opt/smartcard-unlock-server');
    const [node, ...args] = swap(one('ExecStart')).split(/\s+/);
    expect(node).toBe('/usr/bin/node');

    const server = spawnServer(process.execPath, args, { cwd: root, env });
    const port = await portOf(server);
    expect(await healthz(port)).toEqual({ status: 200, body: '{"status":"ok"}' });
    expect(existsSync(join(dir, 'systemd.sqlite'))).toBe(true);
    server.kill();
    expect((await server.exit).code).toBe(0);
    expect(server.lines.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
  });
});

/** The Containerfile's final stage: WORKDIR, ENV, CMD and HEALTHCHECK. */
function parseContainerfile(text: string) {
  const joined = text.replace(/\\\n/g, ' ');
  const stages = joined.split(/^FROM /m);
  const last = stages[stages.length - 1]!;
  const lines = last.split('\n').map((l) => l.trim());
  const env: Record<string, string> = {};
  for (const line of lines.filter((l) => l.startsWith('ENV '))) {
    for (const [, name, value] of line.slice(4).matchAll(/(\w+)=(\S+)/g)) env[name!] = value!;
  }
  const json = (prefix: string) =>
    JSON.parse(lines.find((l) => l.startsWith(prefix))!.replace(/^.*?CMD /, '')) as string[];
  return {
    base: last.split('\n')[0]!.trim(),
    user: lines.find((l) => l.startsWith('USER '))?.slice(5),
    workdir: lines.find((l) => l.startsWith('WORKDIR '))!.slice(8),
    env,
    cmd: json('CMD '),
    healthcheck: json('HEALTHCHECK '),
    copies: lines
      .filter((l) => l.startsWith('COPY ') && !l.includes('--from'))
      .flatMap((l) => l.split(/\s+/).slice(1, -1)),
  };
}

describe('container definition', () => {
  const container = parseContainerfile(readFileSync(join(deploy, 'Containerfile'), 'utf8'));

  it('when the image is defined, then it runs as a non-root user on node 22 and copies only files that exist', () => {
    expect(container.base).toBe('node:22-bookworm-slim');
    expect(container.user).toBe('node');
    expect(container.env.NODE_ENV).toBe('production');
    for (const source of container.copies)
      expect(existsSync(join(root, source)), source).toBe(true);
  });

  it('when CMD runs with settings from the environment, then /healthz answers, the HEALTHCHECK passes and SIGTERM stops it', async () => {
    expect(container.workdir).toBe('/app');
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      ...container.env,
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: join(dir, 'container-data'),
      TLS_CERT_FILE: tls.certFile,
      TLS_KEY_FILE: tls.keyFile,
      // Production needs a mail relay; nothing is sent in this test.
      SMTP_HOST: 'smtp.trust.test',
      MAIL_FROM: 'smartcard-unlock@trust.test',
      // and the trust's own IT service desk, which its errors and emails name.
      SCU_HELP_PHONE: '0121 496 0000',
      SCU_HELP_WALK_IN: 'the IT service desk at the main entrance of Example Hospital',
      // and the address holders reach it at, for the "This wasn't me" link in their notices.
      SCU_PUBLIC_URL: 'https://smartcard-unlock.trust.test',
      ...secrets,
    };
    const [node, ...args] = container.cmd;
    expect(node).toBe('node');
    const server = spawnServer(process.execPath, args, { cwd: root, env });
    const port = await portOf(server);
    expect((await healthz(port)).status).toBe(200);

    const [checkNode, ...checkArgs] = container.healthcheck;
    expect(checkNode).toBe('node');
    await expect(
      run(process.execPath, checkArgs, { cwd: root, env: { ...env, PORT: String(port) } }),
    ).resolves.toBeDefined();
    server.kill();
    expect((await server.exit).code).toBe(0);
    // With the server gone, the same health check fails.
    await expect(
      run(process.execPath, checkArgs, { cwd: root, env: { ...env, PORT: String(port) } }),
    ).rejects.toThrow();
  });
});
