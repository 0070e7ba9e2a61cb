import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { get } from 'node:https';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestCertificate } from '../../unit/server/config/test-certificate';
import { parseContainerfile, type Copy, type Stage } from './support/containerfile';
import { parseUnit } from './support/systemd-unit';
import { spawnServer, type ServerProcess } from '../../support/server-process';

/**
 * The server installed the documented way into a clean folder: the Containerfile's stages replayed
 * step by step with its file sets (the build, then the documented `npm ci`), then the image's CMD
 * and the systemd unit's ExecStart started in the result, each answering and stopping on SIGTERM.
 */

const root = fileURLToPath(new URL('../../../', import.meta.url));
const run = promisify(execFile);
const stages = parseContainerfile(readFileSync(join(root, 'deploy', 'Containerfile'), 'utf8'));
const runtime = stages[stages.length - 1]!;

let dir: string;
let install: string;
let tls: { certFile: string; keyFile: string };
const secrets = {
  SCU_KEY_ENCRYPTION_KEYS: `k1=${randomBytes(32).toString('base64')}`,
  SCU_ACTIVE_KEY_ID: 'k1',
  SCU_ANSWER_PEPPER: randomBytes(32).toString('base64'),
};
// Production also needs the trust's own desk and the address holders reach the server at (for
// the "This wasn't me" link): the sample config has both, the environment not.
const helpDesk = {
  SCU_HELP_PHONE: '0121 496 0000',
  SCU_HELP_WALK_IN: 'the IT service desk at the main entrance of Example Hospital',
  SCU_PUBLIC_URL: 'https://smartcard-unlock.trust.test',
};

/** Settings that say where packages come from, not which: kept from an `npm test` around this. */
const WHERE_FROM =
  /^npm_config_(cache|registry|userconfig|globalconfig|cafile|proxy|https_proxy|noproxy|nodedir)$/i;

/** npm as an operator runs it: no other npm_* setting of an `npm test` this may run under. */
function npmEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && (!/^npm_/i.test(name) || WHERE_FROM.test(name))) env[name] = value;
  }
  // Quieter and kinder to the registry; none of these changes what is installed.
  return {
    ...env,
    npm_config_prefer_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
}

/** Runs one command of a `RUN` in the stage's working directory, as the image build would. */
async function runCommand(command: string, cwd: string): Promise<void> {
  // Packages the machine has already (.ci/run installs python3, make and g++), and a data folder
  // that the tests give as a temp one.
  if (/^(apt-get |rm -rf \/var\/lib\/apt\/|mkdir -p \/var\/lib\/|chown )/.test(command)) return;
  // It would empty this machine's npm cache, which the other installs here reuse.
  if (command === 'npm cache clean --force') return;
  if (command === 'npm ci --ignore-scripts') {
    // The build stage's install of the whole lockfile, without install scripts: this checkout's
    // node_modules is that install (plus its scripts), so it stands in for 400 MB of downloads.
    symlinkSync(join(root, 'node_modules'), join(cwd, 'node_modules'), 'dir');
    return;
  }
  if (command.startsWith('npm ')) {
    await run('npm', command.split(/\s+/).slice(1), {
      cwd,
      env: npmEnvironment(),
      maxBuffer: 64 * 1024 * 1024,
    });
    return;
  }
  throw new Error(`The install test does not know the Containerfile's RUN step "${command}".`);
}

/** Docker's COPY: a directory's contents into the destination, a file into it or as it. */
function copyStep(copy: Copy, fromRoot: string, stageRoot: string, workdir: string): void {
  const dest = join(stageRoot, copy.dest.startsWith('/') ? copy.dest : join(workdir, copy.dest));
  const intoFolder = copy.dest.endsWith('/') || copy.sources.length > 1;
  for (const source of copy.sources) {
    const from = join(fromRoot, source);
    expect(existsSync(from), `COPY ${source}`).toBe(true);
    if (statSync(from).isDirectory()) {
      cpSync(from, dest, { recursive: true, verbatimSymlinks: true });
    } else {
      mkdirSync(intoFolder ? dest : join(dest, '..'), { recursive: true });
      copyFileSync(from, intoFolder ? join(dest, basename(source)) : dest);
    }
  }
}

/** Replays each stage into its own folder (its filesystem root); returns the last one's workdir. */
async function replayStages(into: string): Promise<string> {
  const roots = new Map<string, string>();
  let workdir = '';
  for (const [index, stage] of stages.entries()) {
    const stageRoot = join(into, stage.name ?? `stage-${index}`);
    workdir = join(stageRoot, stage.workdir);
    mkdirSync(workdir, { recursive: true });
    for (const step of stage.steps) {
      if ('run' in step) {
        for (const command of step.run) await runCommand(command, workdir);
        continue;
      }
      const fromRoot = step.copy.from === undefined ? root : roots.get(step.copy.from);
      expect(fromRoot, `COPY --from=${step.copy.from}`).toBeDefined();
      copyStep(step.copy, fromRoot!, stageRoot, stage.workdir);
    }
    if (stage.name !== undefined) roots.set(stage.name, stageRoot);
  }
  return workdir;
}

// The bound is against a hung install, not a speed check: npm compiles better-sqlite3 here, as its
// prebuilt binary cannot be downloaded, and that takes minutes on two busy cores.
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scu-install-'));
  tls = makeTestCertificate(dir);
  install = await replayStages(join(dir, 'stages'));
}, 900_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Spawns the installed server with only `env` and PATH. */
function start(args: readonly string[], env: Record<string, string>): ServerProcess {
  return spawnServer(process.execPath, args, {
    cwd: install,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
}

/** The status of a GET over HTTPS, trusting the test certificate. */
function status(base: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(new URL(path, base), { ca: readFileSync(tls.certFile), servername: 'localhost' }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject);
  });
}

/** True when nothing accepts connections on the port any more. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

/** Starts the server, checks both listeners, stops it with `signal` and checks it went cleanly. */
async function startAndStop(
  args: readonly string[],
  env: Record<string, string>,
  whileRunning: (port: number) => Promise<void> = () => Promise.resolve(),
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<void> {
  const server = start(args, env);
  const { url, operatorUrl } = await server.listened();
  if (operatorUrl === undefined) throw new Error('the operator listener is off');
  expect(await status(url, '/healthz')).toBe(200);
  expect(await status(operatorUrl, '/readyz')).toBe(200);
  const port = Number(new URL(url).port);
  await whileRunning(port);
  server.kill(signal);
  expect((await server.exit).code, server.lines.join('\n')).toBe(0);
  expect(server.lines.some((l) => l.includes(`"signal":"${signal}"`))).toBe(true);
  expect(server.lines.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
  expect(await refused(port)).toBe(true);
  expect(await refused(Number(new URL(operatorUrl).port))).toBe(true);
}

const stage = (name: string): Stage => {
  const found = stages.find((s) => s.name === name);
  expect(found, `the Containerfile's "${name}" stage`).toBeDefined();
  return found!;
};
const commands = (s: Stage) => s.steps.flatMap((step) => ('run' in step ? step.run : []));

describe('the server installed the documented way, in a clean folder', () => {
  it('when the docs give the systemd install, then it is the image build: the same build and the same npm ci of the server workspace, keeping the optional packages', () => {
    const docs = readFileSync(join(root, 'docs', 'deployment.md'), 'utf8');
    const systemd = docs.slice(
      docs.indexOf('### Linux with systemd'),
      docs.indexOf('### Container'),
    );
    const build = commands(stage('build')).filter((c) => c.startsWith('npm '));
    expect(build).toEqual(['npm ci --ignore-scripts', 'npm run build:server']);
    for (const command of build) expect(systemd).toContain(command);
    const runtimeInstall = commands(stage('dependencies')).filter((c) => c.startsWith('npm ci'));
    expect(runtimeInstall).toEqual(['npm ci --omit=dev --workspace server']);
    expect(systemd).toContain(`sudo ${runtimeInstall[0]!}\n`);
  });

  it("when the runtime packages are installed, then they are the server workspace's: none of the desktop app's, none of the development tools", () => {
    const installed = (name: string) =>
      existsSync(join(install, 'node_modules', name, 'package.json'));
    const server = JSON.parse(readFileSync(join(root, 'server', 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    for (const name of Object.keys(server.dependencies)) expect(installed(name), name).toBe(true);
    // The app's own packages; one both use (axios, zod) is the server's too.
    const desktop = ['axios', 'electron-log', 'react', 'react-dom', 'zustand', 'nhsuk-frontend'];
    for (const name of desktop.filter((n) => server.dependencies[n] === undefined)) {
      expect(installed(name), `the app's ${name}`).toBe(false);
    }
    expect(installed('electron-log'), "the app's electron-log").toBe(false);
    const tools = ['tsx', 'esbuild', 'vite', 'electron', 'typescript', 'vitest'];
    for (const name of tools) expect(installed(name), `the tool ${name}`).toBe(false);
  });

  it("when the image's CMD runs in the install, then /healthz and /readyz answer, the HEALTHCHECK passes, and SIGTERM stops it and closes its ports", async () => {
    expect(runtime.cmd).toEqual(['node', 'out/server/index.js']);
    const env: Record<string, string> = {
      ...runtime.env,
      HOST: '127.0.0.1',
      PORT: '0',
      OPERATOR_HOST: '127.0.0.1',
      DATA_DIR: join(dir, 'container-data'),
      TLS_CERT_FILE: tls.certFile,
      TLS_KEY_FILE: tls.keyFile,
      // Production needs a mail relay; nothing is sent in this test.
      SMTP_HOST: 'smtp.trust.test',
      MAIL_FROM: 'smartcard-unlock@trust.test',
      ...helpDesk,
      ...secrets,
    };
    const [, ...checkArgs] = runtime.healthcheck ?? [];
    const healthcheck = (port: number) =>
      run(process.execPath, checkArgs, { cwd: install, env: { ...env, PORT: String(port) } });
    let stoppedPort = 0;
    await startAndStop(runtime.cmd!.slice(1), env, async (port) => {
      stoppedPort = port;
      await expect(healthcheck(port)).resolves.toBeDefined();
    });
    expect(existsSync(join(dir, 'container-data', 'smartcard-unlock.sqlite'))).toBe(true);
    // With the server gone, the same health check fails.
    await expect(healthcheck(stoppedPort)).rejects.toThrow();
    // There is no reload: SIGHUP (a closed terminal, a stray reload) stops it as gently.
    await startAndStop(runtime.cmd!.slice(1), env, undefined, 'SIGHUP');
  });

  it("when the systemd unit's ExecStart runs in the install with the sample config on SQLite, then it answers and SIGTERM stops it", async () => {
    const unit = parseUnit(
      readFileSync(join(root, 'deploy', 'systemd', 'smartcard-unlock-server.service'), 'utf8'),
    );
    const credentials = join(dir, 'credentials');
    mkdirSync(credentials, { recursive: true });
    for (const credential of unit.get('LoadCredential') ?? []) {
      const [name, source] = credential.split(':') as [string, string];
      copyFileSync(
        source.endsWith('key.pem') ? tls.keyFile : tls.certFile,
        join(credentials, name),
      );
    }
    const sample = JSON.parse(
      readFileSync(join(root, 'deploy', 'server', 'config.sample.json'), 'utf8'),
    ) as Record<string, unknown>;
    const config = join(dir, 'systemd-config.json');
    writeFileSync(
      config,
      JSON.stringify({
        ...sample,
        host: '127.0.0.1',
        port: 0,
        storage: { kind: 'sqlite', file: join(dir, 'systemd.sqlite') },
      }),
    );
    const swap = (text: string) =>
      text
        .replaceAll('%d', credentials)
        .replaceAll('/etc/smartcard-unlock-server/config.json', config)
        .replaceAll('/var/lib/smartcard-unlock-server', join(dir, 'systemd-data'));
    const env: Record<string, string> = { ...secrets };
    for (const assignment of unit.get('Environment') ?? []) {
      const [name, ...value] = swap(assignment).split('=');
      env[name!] = value.join('=');
    }
    expect(unit.get('WorkingDirectory')).toEqual(['/opt/smartcard-unlock-server']);
    const [node, ...args] = swap(unit.get('ExecStart')?.[0] ?? '').split(/\s+/);
    expect(node).toBe('/usr/bin/node');
    expect(args[0]).toBe('out/server/index.js');
    await startAndStop(args, env);
    expect(existsSync(join(dir, 'systemd.sqlite'))).toBe(true);
  });

  it('when the built admin tool runs in the install, then every module it imports is there', async () => {
    const { stdout } = await run(process.execPath, ['out/server/admin.js', '--help'], {
      cwd: install,
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(stdout).toContain('rotate-key');
  });
});
