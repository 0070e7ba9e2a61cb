import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { SourceMapConsumer } from 'source-map-js';
import { build, type InlineConfig } from 'vite';
import electronViteConfig from '../electron.vite.config';
import { rendererBuildDir } from '../src/main/browser-bridge/bridge-server';

/**
 * The renderer's size for bench/client: its JavaScript gzipped, against React and ReactDOM alone
 * bundled and minified the same way in the same run, and what it carries beyond them, by package.
 */

const root = join(import.meta.dirname, '..');
/** Inside the repository, so the baseline's imports resolve from its node_modules; git-ignored. */
const scratch = join(root, 'node_modules', '.cache', 'bench-client');
const SIZE_TARGET_KB = 120;

const kb = (bytes: number): number => bytes / 1024;
const gzipped = (file: string): number => gzipSync(readFileSync(file), { level: 9 }).length;
const jsIn = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.js'))
    .map((name) => join(dir, name));

/** React and ReactDOM rendering one element, built for production as the renderer is. */
async function baselineBytes(): Promise<number> {
  const dir = join(scratch, 'baseline');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><html><body><div id="root"></div><script type="module" src="./main.tsx"></script></body></html>',
  );
  writeFileSync(
    join(dir, 'main.tsx'),
    "import { createRoot } from 'react-dom/client';\ncreateRoot(document.getElementById('root')!).render(<p>Smartcard Unlock</p>);\n",
  );
  await build({
    configFile: false,
    root: dir,
    logLevel: 'silent',
    plugins: [react()],
    build: { outDir: join(dir, 'out'), emptyOutDir: true, minify: true },
  });
  return jsIn(join(dir, 'out')).reduce((sum, f) => sum + gzipped(f), 0);
}

/** The package (or the app's own folder) a bundled source, as an absolute path, came from. */
function ownerOf(path: string): string {
  const inRepo = relative(root, path);
  const inModules = inRepo.split('node_modules/').at(-1)!;
  if (inModules !== inRepo) {
    const parts = inModules.split('/');
    // The report's own output folder: the bundler's runtime helpers, which have no file of their own.
    if (parts[0] === '.cache') return 'bundler runtime';
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  return inRepo.split('/').slice(0, 2).join('/');
}

/** The renderer built again with a source map, its minified bytes attributed by package. */
async function bundleReport(): Promise<readonly [string, number][]> {
  const config = electronViteConfig as { renderer?: InlineConfig };
  const out = join(scratch, 'report');
  await build({
    ...config.renderer,
    configFile: false,
    logLevel: 'silent',
    build: { ...config.renderer?.build, outDir: out, emptyOutDir: true, sourcemap: true },
  });
  const bytes = new Map<string, number>();
  for (const file of jsIn(out)) {
    const map = new SourceMapConsumer(readFileSync(`${file}.map`, 'utf8'));
    let previous: { line: number; column: number; source: string } | undefined;
    map.eachMapping((m) => {
      if (previous !== undefined && previous.line === m.generatedLine) {
        const owner = ownerOf(resolve(dirname(file), previous.source));
        bytes.set(owner, (bytes.get(owner) ?? 0) + m.generatedColumn - previous.column);
      }
      previous = { line: m.generatedLine, column: m.generatedColumn, source: m.source ?? '?' };
    });
  }
  return [...bytes.entries()].sort((a, b) => b[1] - a[1]);
}

/** Builds the renderer (unless --no-build) and prints its size and report; true when on target. */
export async function measureSize(): Promise<boolean> {
  if (!process.argv.includes('--no-build')) {
    const built = spawnSync('npx', ['electron-vite', 'build'], { cwd: root, stdio: 'ignore' });
    if (built.status !== 0) throw new Error('npx electron-vite build failed');
  }
  const dir = rendererBuildDir(root);
  if (!existsSync(join(dir, 'index.html'))) {
    throw new Error(`no built renderer in ${dir}: run without --no-build`);
  }
  const app = jsIn(dir).reduce((sum, f) => sum + gzipped(f), 0);
  const baseline = await baselineBytes();
  const met = kb(app) <= SIZE_TARGET_KB;
  console.log('bench/client: renderer JavaScript, gzipped (level 9)');
  console.log(
    `  app bundle:              ${kb(app).toFixed(1)} KB  (target at most ${SIZE_TARGET_KB} KB: ${met ? 'PASS' : 'FAIL'})`,
  );
  console.log(
    `  baseline React+ReactDOM: ${kb(baseline).toFixed(1)} KB  (one element, bundled and minified the same way; app / baseline ${(app / baseline).toFixed(2)}x)`,
  );
  console.log('  what the bundle carries, minified, before gzip:');
  for (const [owner, size] of await bundleReport()) {
    console.log(`    ${kb(size).toFixed(1).padStart(7)} KB  ${owner}`);
  }
  return met;
}
