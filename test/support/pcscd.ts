import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  watch,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A real pcscd with two vpcd readers per test file, private under a mount namespace where it can
 * (pcscd's paths are fixed), else machine-wide; see docs/testing.md#pcscd for the details.
 */

const supportDir = dirname(fileURLToPath(import.meta.url));
const VPCD_DRIVER = '/usr/lib/pcsc/drivers/serial/libifdvpcd.so';
const SYSTEM_RUN_DIR = '/run/pcscd';

/** A running (or stopped, between restarts) pcscd with two vpcd readers. */
export interface Pcscd {
  /** Environment for processes that talk to this daemon (libpcsclite clients: OpenSC, pcsc_scan). */
  readonly env: Readonly<Record<string, string>>;
  /** The vpcd ports of the two readers: the card process connects to one of them. */
  readonly ports: readonly [number, number];
  /** The names pcscd gives the two readers, in port order. */
  readonly readerNames: readonly [string, string];
  /** Whether this daemon runs in a mount namespace of its own. */
  readonly isolated: boolean;
  /** Stops the daemon (SIGTERM) and waits until it has exited. */
  stop(): Promise<void>;
  /**
   * Starts it again after `stop`, with the same readers and ports; `readers: false` starts it with
   * no reader configured at all (a workstation whose reader is unplugged).
   */
  start(options?: { readonly readers?: boolean }): Promise<void>;
  /** Stops the daemon for good and removes its private folder. */
  dispose(): Promise<void>;
}

/** Why the PC/SC stack cannot be started here, or undefined when it can. */
export function pcscStackMissing(): string | undefined {
  const missing: string[] = [];
  if (!commandExists('pcscd')) missing.push('pcscd (Debian package pcscd)');
  if (!existsSync(VPCD_DRIVER)) missing.push('the vpcd driver (Debian package vsmartcard-vpcd)');
  if (!commandExists('gcc')) missing.push('gcc (for the TCP_NODELAY shim)');
  if (process.getuid?.() !== 0) missing.push('root (pcscd must own /run/pcscd)');
  return missing.length === 0 ? undefined : `missing ${missing.join(', ')}`;
}

/**
 * Decides whether PC/SC integration tests run: returns a skip reason (printed) when the stack is
 * missing and CI is unset; throws when CI is set, because CI must run them.
 */
export function pcscSkipReason(extra?: string): string | undefined {
  const reason = pcscStackMissing() ?? sharedDaemonBusy() ?? extra;
  if (reason === undefined) return undefined;
  if (process.env.CI !== undefined && process.env.CI !== '') {
    throw new Error(`PC/SC integration tests cannot run in CI: ${reason}. .ci/run installs them.`);
  }
  console.warn(`Skipping PC/SC integration tests: ${reason}.`);
  return reason;
}

/** Without mount namespaces the tests need the machine's only pcscd: say so when another runs it. */
function sharedDaemonBusy(): string | undefined {
  if (namespacesWork()) return undefined;
  const pid = foreignDaemon();
  return pid === undefined
    ? undefined
    : `another pcscd (pid ${pid}) is running and mount namespaces are not available for a private one`;
}

/**
 * A command prefix that makes the next program receive SIGTERM when this process dies, however it
 * dies (util-linux `setpriv --pdeathsig`); empty where setpriv is missing.
 */
export function withParentDeath(): string {
  return commandExists('setpriv') ? 'setpriv --pdeathsig TERM --' : '';
}

function commandExists(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Whether a private daemon is possible; PCSCD_TEST_SHARED=1 forces the machine-wide mode (to test it). */
function namespacesWork(): boolean {
  if (process.env.PCSCD_TEST_SHARED === '1') return false;
  const probe = spawnSync('unshare', ['--mount', '--propagation', 'private', 'true'], {
    stdio: 'ignore',
  });
  return probe.status === 0;
}

/** Two consecutive free TCP ports (vpcd uses the configured port and the next one). */
async function freePortPair(): Promise<readonly [number, number]> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const first = await listenOn(0);
    if (first === undefined) continue;
    if (first < 65535 && (await listenOn(first + 1)) !== undefined) return [first, first + 1];
  }
  throw new Error('no two consecutive free TCP ports found for the vpcd readers');
}

function listenOn(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}

function compileShim(dir: string): string {
  const output = join(dir, 'nodelay-shim.so');
  const built = spawnSync(
    'gcc',
    ['-shared', '-fPIC', '-O2', '-o', output, join(supportDir, 'nodelay-shim.c'), '-ldl'],
    { encoding: 'utf8' },
  );
  if (built.status !== 0)
    throw new Error(`gcc could not build the TCP_NODELAY shim: ${built.stderr}`);
  return output;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A machine-wide daemon that is not ours: its pid when alive; a stale pid file is removed. */
function foreignDaemon(): number | undefined {
  const pidFile = join(SYSTEM_RUN_DIR, 'pcscd.pid');
  if (!existsSync(pidFile)) return undefined;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8').trim(), 10);
  if (Number.isInteger(pid) && pid > 0 && processAlive(pid)) return pid;
  // A daemon killed with SIGKILL leaves its pid file and socket behind, and they block a restart.
  rmSync(pidFile, { force: true });
  rmSync(join(SYSTEM_RUN_DIR, 'pcscd.comm'), { force: true });
  return undefined;
}

/** Resolves once `file` exists, watching its folder rather than polling. */
function waitForFile(file: string, daemon: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const folder = dirname(file);
    const watcher = watch(folder, () => check());
    const timer = setTimeout(
      () => finish(new Error(`pcscd did not create ${file} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onExit = (code: number | null): void =>
      finish(new Error(`pcscd exited with code ${code} before it was ready`));
    daemon.once('exit', onExit);
    function finish(error?: Error): void {
      watcher.close();
      clearTimeout(timer);
      daemon.off('exit', onExit);
      if (error === undefined) resolve();
      else reject(error);
    }
    function check(): void {
      if (existsSync(file)) finish();
    }
    check();
  });
}

/** Starts pcscd with two vpcd readers on free ports; see the module comment for the isolation. */
export async function startPcscd(): Promise<Pcscd> {
  const dir = mkdtempSync(join(tmpdir(), 'pcscd-test-'));
  const isolated = namespacesWork();
  if (!isolated) {
    const pid = foreignDaemon();
    if (pid !== undefined) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(
        `another pcscd (pid ${pid}) is running and this machine cannot give the tests a private one (unshare failed); stop it or run the tests where mount namespaces work`,
      );
    }
  }
  const ports = await freePortPair();
  const configDir = join(dir, 'reader.conf.d');
  const runDir = isolated ? join(dir, 'run') : SYSTEM_RUN_DIR;
  mkdirSync(configDir);
  mkdirSync(runDir, { recursive: true });
  writeFileSync(
    join(configDir, 'vpcd'),
    [
      'FRIENDLYNAME "Virtual PCD"',
      `DEVICENAME   /dev/null:${ports[0]}`,
      `LIBPATH      ${VPCD_DRIVER}`,
      `CHANNELID    ${ports[0]}`,
      '',
    ].join('\n'),
  );
  const shim = compileShim(dir);
  const socket = join(runDir, 'pcscd.comm');
  const env: Record<string, string> = isolated ? { PCSCLITE_CSOCK_NAME: socket } : {};
  let daemon: ChildProcess | undefined;
  let log = '';

  const killOnExit = (): void => {
    daemon?.kill('SIGKILL');
  };
  process.on('exit', killOnExit);

  // An empty configuration folder: pcscd runs, and lists no reader.
  const noReadersDir = join(dir, 'no-readers.conf.d');
  mkdirSync(noReadersDir);

  const start = async (options: { readonly readers?: boolean } = {}): Promise<void> => {
    if (daemon !== undefined) return;
    const readerConfig = options.readers === false ? noReadersDir : configDir;
    if (!isolated) foreignDaemon();
    rmSync(socket, { force: true });
    // The daemon dies with this process even when it is killed (a timed-out test run): no orphans.
    const daemonCommand = `${withParentDeath()} pcscd --foreground --config "$2"`;
    const command = isolated
      ? [
          'unshare',
          '--mount',
          '--propagation',
          'private',
          'sh',
          '-c',
          `mkdir -p ${SYSTEM_RUN_DIR} && mount --bind "$1" ${SYSTEM_RUN_DIR} && exec ${daemonCommand}`,
          'pcscd-test',
          runDir,
          readerConfig,
        ]
      : ['sh', '-c', `exec ${daemonCommand}`, 'pcscd-test', runDir, readerConfig];
    const child = spawn(command[0]!, command.slice(1), {
      env: { ...process.env, LD_PRELOAD: shim },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.once('exit', () => {
      if (daemon === child) daemon = undefined;
    });
    daemon = child;
    try {
      await waitForFile(socket, child, 10_000);
    } catch (error) {
      child.kill('SIGKILL');
      throw new Error(`${(error as Error).message}\npcscd said:\n${log}`, { cause: error });
    }
  };

  const stop = async (): Promise<void> => {
    const child = daemon;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const escalate = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(escalate);
    daemon = undefined;
  };

  await start();
  return {
    env,
    ports,
    readerNames: ['Virtual PCD 00 00', 'Virtual PCD 00 01'],
    isolated,
    start,
    stop,
    dispose: async () => {
      await stop();
      process.off('exit', killOnExit);
      if (!isolated) foreignDaemon();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
