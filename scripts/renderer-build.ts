import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { rendererBuildDir } from '../src/main/browser-bridge/bridge-server';

/** What the built screens are made from: a change to any of these makes the build stale. */
const RENDERER_SOURCES = [
  'src/renderer',
  'src/shared',
  'electron.vite.config.ts',
  'package-lock.json',
] as const;

/** The newest modification time of the files under `path` (0 when it does not exist). */
function newestChange(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestChange(join(path, entry)));
  return newest;
}

/** Whether `out/renderer` is missing or older than its sources. */
export function rendererBuildIsStale(root: string): boolean {
  const built = join(rendererBuildDir(root), 'index.html');
  const sourceTime = Math.max(
    ...RENDERER_SOURCES.map((source) => newestChange(join(root, source))),
  );
  return !existsSync(built) || statSync(built).mtimeMs < sourceTime;
}

/**
 * Builds the screens (`electron-vite build`) when they are missing or older than their sources, so
 * the browser bridge never serves a stale renderer after a pull or an edit. Returns the build's
 * output when it failed, undefined otherwise.
 */
export function ensureRendererBuilt(
  root: string,
  options: { readonly onBuild?: () => void; readonly quiet?: boolean } = {},
): string | undefined {
  if (!rendererBuildIsStale(root)) return undefined;
  options.onBuild?.();
  const result = spawnSync('npx', ['electron-vite', 'build'], {
    cwd: root,
    encoding: 'utf8',
    stdio: options.quiet === true ? 'pipe' : 'inherit',
  });
  return result.status === 0 ? undefined : `${result.stdout ?? ''}\n${result.stderr ?? ''}`.trim();
}
