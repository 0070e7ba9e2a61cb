import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from '../../scripts/free-port';

const run = promisify(execFile);

/** A private PostgreSQL cluster started for a test file, in a temporary folder on a free port. */
export interface PostgresServer {
  /** Superuser URL of the `postgres` database. */
  readonly url: string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Runs SQL as the superuser in a database (for assertions that read tables directly). */
  query<T extends pg.QueryResultRow>(databaseUrl: string, text: string): Promise<T[]>;
  /** Stops PostgreSQL as a restart does (`pg_ctl -m fast stop`); `start` brings it back. */
  pause(): Promise<void>;
  /** Starts it again on the same port after `pause`. */
  start(): Promise<void>;
  /**
   * Freezes the postmaster and every backend with SIGSTOP, as a hung host would look: connections
   * are accepted by the kernel and never answered. `thaw` sends SIGCONT; call it in a finally.
   */
  freeze(): void;
  thaw(): void;
  stop(): Promise<void>;
}

/** What a test file may ask of its cluster. */
export interface PostgresOptions {
  /**
   * Roles that must log in with a password over TCP (scram-sha-256) rather than be trusted, so a
   * test can give a wrong one. Create each with `CREATE ROLE name LOGIN PASSWORD '...'`.
   */
  readonly passwordRoles?: readonly string[];
}

/** Either a running server or why there is none here. */
export type PostgresAvailability =
  | { readonly available: true; readonly server: PostgresServer }
  | { readonly available: false; readonly reason: string };

/** The folder of initdb and pg_ctl: PG_BIN, or the newest Debian install. */
function findBinaries(): string | undefined {
  const fromEnv = process.env.PG_BIN;
  if (fromEnv !== undefined && existsSync(join(fromEnv, 'pg_ctl'))) return fromEnv;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

/**
 * A throwaway PostgreSQL for tests (initdb, pg_ctl, 127.0.0.1, free port, durability off; as root
 * through runuser). Not installed: the test skips with a reason, or fails under CI.
 */
export async function startPostgres(options: PostgresOptions = {}): Promise<PostgresAvailability> {
  const bin = findBinaries();
  if (bin === undefined) {
    const reason =
      'PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/pg_ctl; set PG_BIN or apt-get install postgresql)';
    if (process.env.CI) throw new Error(`${reason}. CI must have it: .ci/run installs it.`);
    console.warn(`[postgres] skipping: ${reason}.`);
    return { available: false, reason };
  }
  const asRoot = process.getuid?.() === 0;
  const dir = await mkdtemp(join(tmpdir(), 'smartcard-unlock-pg-'));
  const data = join(dir, 'data');
  const exec = async (tool: string, args: readonly string[]): Promise<void> => {
    const command = join(bin, tool);
    try {
      if (asRoot) await run('runuser', ['-u', 'postgres', '--', command, ...args], { cwd: dir });
      else await run(command, [...args], { cwd: dir });
    } catch (e) {
      const stderr = (e as { stderr?: string }).stderr ?? '';
      throw new Error(`${tool} failed: ${stderr || String(e)}`, { cause: e });
    }
  };
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  await exec('initdb', [
    '-D',
    data,
    '-U',
    'postgres',
    '-A',
    'trust',
    '-E',
    'UTF8',
    '--locale=C',
    '--no-sync',
  ]);
  const passwordRoles = options.passwordRoles ?? [];
  if (passwordRoles.length > 0) {
    // pg_hba.conf's first matching line wins: these go above initdb's trust lines, before start.
    const hba = join(data, 'pg_hba.conf');
    const lines = passwordRoles.map((role) => {
      if (!/^[a-z_][a-z0-9_]{0,40}$/.test(role)) throw new Error(`Bad role name ${role}`);
      return `host all ${role} 127.0.0.1/32 scram-sha-256\n`;
    });
    writeFileSync(hba, `${lines.join('')}${readFileSync(hba, 'utf8')}`);
  }
  const port = await freePort();
  const pgStart = () =>
    exec('pg_ctl', [
      '-D',
      data,
      '-l',
      join(dir, 'server.log'),
      '-w',
      '-t',
      '60',
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100`,
      'start',
    ]);
  await pgStart();
  // The postmaster and its children (backends and workers), postmaster first, from /proc.
  const processes = (): number[] => {
    const postmaster = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const children = readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .filter((pid) => {
        try {
          const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
          // Fields after the command, which may hold spaces: state, then the parent's pid.
          return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster;
        } catch {
          return false; // Ended meanwhile.
        }
      })
      .map(Number);
    return [postmaster, ...children];
  };
  const signalAll = (signal: NodeJS.Signals) => {
    for (const pid of processes()) {
      try {
        process.kill(pid, signal);
      } catch {
        // Ended meanwhile.
      }
    }
  };
  // If the test process dies without stop(), take the cluster down with it: no orphan postmaster.
  const stopNow = () => {
    const args = ['-D', data, '-m', 'immediate', '-w', 'stop'];
    try {
      if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', join(bin, 'pg_ctl'), ...args]);
      else execFileSync(join(bin, 'pg_ctl'), args);
    } catch {
      // Already stopped.
    }
  };
  process.once('exit', stopNow);
  const urlOf = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const url = urlOf('postgres');
  const query = async <T extends pg.QueryResultRow>(databaseUrl: string, text: string) => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return (await client.query<T>(text)).rows;
    } finally {
      await client.end();
    }
  };
  return {
    available: true,
    server: {
      url,
      async createDatabase(name) {
        if (!/^[a-z_][a-z0-9_]{0,40}$/.test(name)) throw new Error(`Bad database name ${name}`);
        await query(url, `CREATE DATABASE ${name}`);
        return urlOf(name);
      },
      query,
      pause: () => exec('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']),
      start: pgStart,
      freeze: () => signalAll('SIGSTOP'),
      thaw: () => signalAll('SIGCONT'),
      async stop() {
        process.off('exit', stopNow);
        // A frozen cluster would not act on pg_ctl's signal.
        try {
          signalAll('SIGCONT');
        } catch {
          // Not running (no postmaster.pid).
        }
        await exec('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
        await rm(dir, { recursive: true, force: true });
      },
    },
  };
}
