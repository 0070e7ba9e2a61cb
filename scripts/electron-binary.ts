import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

/** Where the Electron binary is, or why it is not there. */
export type ElectronBinary =
  | { readonly found: true; readonly path: string }
  | { readonly found: false; readonly reason: string };

/**
 * Finds the Electron binary without crashing: Electron 42+ downloads it on first use, so the lookup
 * runs in a child process whose progress and stack trace stay hidden behind our own message.
 */
export function findElectronBinary(env: NodeJS.ProcessEnv = process.env): ElectronBinary {
  const require = createRequire(import.meta.url);
  let entry: string;
  try {
    entry = require.resolve('electron');
  } catch {
    return { found: false, reason: 'the electron package is not installed (run npm install)' };
  }
  const child = spawnSync(
    process.execPath,
    ['-e', `process.stdout.write('\\n@@' + require(${JSON.stringify(entry)}))`],
    {
      encoding: 'utf8',
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 10 * 60 * 1000,
    },
  );
  const marker = child.stdout.lastIndexOf('\n@@');
  if (child.status === 0 && marker >= 0) {
    const path = child.stdout.slice(marker + 3).trim();
    if (existsSync(path)) return { found: true, path };
    return { found: false, reason: `the Electron binary is missing at ${path}` };
  }
  return {
    found: false,
    reason:
      'the Electron binary is not installed and could not be downloaded (no access to its download host)',
  };
}
