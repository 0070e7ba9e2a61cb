import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

/**
 * The desktop installer carries the root package's production dependencies, transitively, and no
 * more: the server is its own workspace (server/package.json), whose packages stay off workstations.
 */

const root = join(import.meta.dirname, '../../..');
const require = createRequire(import.meta.url);
const builderLib = createRequire(require.resolve('app-builder-lib/package.json'));

interface Manifest {
  readonly name?: string;
  readonly version?: string;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
  readonly workspaces?: readonly string[];
}
interface LockEntry extends Manifest {
  readonly link?: boolean;
  readonly resolved?: string;
  readonly optional?: boolean;
}

const readJson = <T>(...path: string[]): T =>
  JSON.parse(readFileSync(join(root, ...path), 'utf8')) as T;
const app = readJson<Manifest>('package.json');
const server = readJson<Manifest>('server', 'package.json');
const lock = readJson<{ packages: Record<string, LockEntry> }>('package-lock.json').packages;

/** A package's production dependencies: what electron-builder's collector follows. */
const production = (m: Manifest): string[] =>
  Object.keys({ ...m.dependencies, ...m.optionalDependencies });

/** Node's lookup in the lockfile: `name` from the package at `from`, through links. */
function locate(from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const key = `${base === '' ? '' : `${base}/`}node_modules/${name}`;
    const entry = lock[key];
    if (entry !== undefined) return entry.link === true ? entry.resolved : key;
    if (base === '') return undefined;
    const at = base.lastIndexOf('node_modules/');
    base = at <= 0 ? '' : base.slice(0, at - 1);
  }
}

/** Every package (by name) the production tree of the package at `start` reaches. */
function productionTree(start: string): Set<string> {
  const names = new Set<string>();
  const seen = new Set<string>();
  const visit = (at: string): void => {
    if (seen.has(at)) return;
    seen.add(at);
    const entry = lock[at]!;
    for (const name of production(entry)) {
      const found = locate(at, name);
      if (found === undefined) {
        // A platform's binary package for another platform: npm did not install it.
        expect(entry.optionalDependencies?.[name], `${at} needs ${name}`).toBeDefined();
        continue;
      }
      names.add(name);
      visit(found);
    }
  };
  visit(start);
  return names;
}

/** Package names the files under `dir` import at run time (type-only imports left out). */
function importedPackages(dir: string): Set<string> {
  const names = new Set<string>();
  for (const file of readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })) {
    if (!/\.tsx?$/.test(file)) continue;
    const text = readFileSync(join(root, dir, file), 'utf8');
    for (const [, specifier] of text.matchAll(
      /^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s*)?'([^'.][^']*)'/gm,
    )) {
      const parts = specifier!.split('/');
      names.add(specifier!.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
    }
  }
  return names;
}

/** The server's packages named in issue 17, whatever server/package.json comes to say. */
const SERVER_ONLY = [
  '@node-rs/argon2',
  'better-sqlite3',
  'csv-parse',
  'express',
  'express-rate-limit',
  'helmet',
  'kysely',
  'nodemailer',
  'notifications-node-client',
  'pg',
  'pino',
  'prom-client',
];

const appTree = productionTree('');

describe("the desktop app's production dependency tree (what electron-builder packs)", () => {
  it('when the lockfile is read, then the server is a workspace of its own and the app does not depend on it', () => {
    expect(app.workspaces).toEqual(['server']);
    expect(lock['node_modules/@smartcard-unlock/server']).toMatchObject({
      link: true,
      resolved: 'server',
    });
    expect(server.name).toBe('@smartcard-unlock/server');
    expect(appTree.has('@smartcard-unlock/server')).toBe(false);
    expect(production(server)).toEqual(expect.arrayContaining(SERVER_ONLY));
  });

  it('when the tree is walked, then no package only the server uses is in it', () => {
    const serverOnly = new Set([
      ...SERVER_ONLY,
      ...production(server).filter((name) => !production(app).includes(name)),
    ]);
    expect([...appTree].filter((name) => serverOnly.has(name))).toEqual([]);
  });

  it('when the tree is walked, then no development tool, and none of the packages the screens are bundled from, is in it', () => {
    const buildTime = ['tsx', 'esbuild', 'electron', 'electron-vite', 'vite', 'typescript'];
    const bundled = ['react', 'react-dom', 'zustand', 'nhsuk-frontend'];
    expect([...appTree].filter((name) => [...buildTime, ...bundled].includes(name))).toEqual([]);
  });

  it('when the main process imports a package, then the root declares it for production and it is in the tree', () => {
    // electron-vite keeps the root's production dependencies out of the main bundle, so they must
    // be there at run time; the preload and the screens are bundled whole. The PC/SC worker loads
    // `smartcard` by name rather than by import.
    const loaded = new Set([...importedPackages('src/main'), ...importedPackages('src/shared')]);
    loaded.add('smartcard');
    const runtime = [...loaded].filter((name) => !name.startsWith('node:') && name !== 'electron');
    expect(runtime.sort()).toEqual(['axios', 'electron-log', 'smartcard', 'zod']);
    for (const name of runtime) {
      expect(production(app), name).toContain(name);
      expect(appTree.has(name), name).toBe(true);
    }
    expect(production(app).sort()).toEqual(runtime);
  });

  it('when the server imports a package, then the server workspace declares it, and nothing else, for production', () => {
    // The server's install is its workspace's alone (docs/deployment.md); the admin tool's enrol
    // loads the card layer, whose worker loads `smartcard` by name; the console finds
    // nhsuk-frontend's CSS by `require.resolve`.
    const loaded = new Set([...importedPackages('server'), ...importedPackages('src/shared')]);
    loaded.add('smartcard');
    loaded.add('nhsuk-frontend');
    const runtime = [...loaded].filter((name) => !name.startsWith('node:'));
    expect(runtime.filter((name) => !production(server).includes(name))).toEqual([]);
    expect(production(server).sort()).toEqual(runtime.sort());
    expect(productionTree('server').has('express')).toBe(true);
  });

  it("when electron-builder's own collector lists the node_modules it would pack, then they are the lockfile's tree", async () => {
    const { getCollectorByPackageManager } = builderLib('./out/node-module-collector/index.js') as {
      getCollectorByPackageManager(
        pm: string,
        dir: string,
        tmp: unknown,
      ): {
        getNodeModules(o: { packageName: string }): Promise<{ nodeModules: NodeModule[] }>;
      };
    };
    interface NodeModule {
      readonly name: string;
      readonly dependencies?: readonly NodeModule[];
    }
    const { TmpDir } = builderLib('builder-util') as {
      TmpDir: new (name: string) => { cleanup(): Promise<void> };
    };
    const tmp = new TmpDir('app-production-tree');
    try {
      const { nodeModules } = await getCollectorByPackageManager('npm', root, tmp).getNodeModules({
        packageName: app.name!,
      });
      const packed = new Set<string>();
      const walk = (modules: readonly NodeModule[]): void => {
        for (const module of modules) {
          packed.add(module.name);
          walk(module.dependencies ?? []);
        }
      };
      walk(nodeModules);
      expect([...packed].filter((name) => SERVER_ONLY.includes(name))).toEqual([]);
      expect([...packed].sort()).toEqual([...appTree].sort());
    } finally {
      await tmp.cleanup();
    }
  }, 60_000);

  it("when electron-builder.yml's files are matched as electron-builder matches them, then nothing of the server is packed", () => {
    const config = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as {
      files: string[];
    };
    const { FileMatcher } = builderLib('./out/fileMatcher.js') as {
      FileMatcher: new (
        from: string,
        to: string,
        expand: (s: string) => string,
        patterns: string[],
      ) => { createFilter(): (file: string, stat: { isDirectory(): boolean }) => boolean };
    };
    const packs = new FileMatcher(root, '/app', (s) => s, config.files).createFilter();
    const file = { isDirectory: () => false };
    const serverFiles = readdirSync(join(root, 'server'), { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.(ts|json)$/.test(f))
      .map((f) => join(root, 'server', f));
    expect(serverFiles.length).toBeGreaterThan(10);
    const built = ['index.js', 'admin.js', 'pcsc-worker.js'].map((f) =>
      join(root, 'out', 'server', f),
    );
    const packed = [...serverFiles, ...built].filter((f) => packs(f, file));
    expect(packed.map((f) => relative(root, f))).toEqual([]);
    // The app's own build is packed.
    expect(packs(join(root, 'out', 'main', 'index.js'), file)).toBe(true);
    expect(packs(join(root, 'out', 'renderer', 'index.html'), file)).toBe(true);
  });
});
