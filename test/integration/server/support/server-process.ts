import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { spawnServer } from '../../../support/server-process';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * `npm run server`'s command as node with tsx's loader: no npm or tsx parent in between to relay
 * signals, so a signal sent the moment the server listens reaches the server itself.
 */
function serverCommand(): { command: string; args: string[] } {
  const scripts = (
    JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    }
  ).scripts;
  const [tool, ...args] = scripts.server!.split(' ');
  expect(tool).toBe('tsx');
  return { command: process.execPath, args: ['--import', 'tsx', ...args] };
}

/** A server process started by `startServerProcess`: its output, URLs and end. */
export interface Started {
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly lines: string[];
  /** Resolves with the URL from the `listening` log line, or undefined when the process ends first. */
  readonly listening: Promise<string | undefined>;
  /** The operator listener's URL from the same line (undefined when it is turned off). */
  readonly operatorUrl: Promise<string | undefined>;
  /** The first line containing `text`, as soon as it is written (see `spawnServer`). */
  line(text: string): Promise<string>;
  kill(signal: NodeJS.Signals): void;
}

/** Starts `npm run server` (or `args`) with only `env` and PATH and HOME, capturing its output. */
export function startServerProcess(env: Record<string, string>, args?: string[]): Started {
  const { command, args: defaultArgs } = serverCommand();
  const server = spawnServer(command, args ?? defaultArgs, {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
  });
  return {
    exit: server.exit,
    lines: server.lines,
    listening: server.listening.then((l) => l?.url),
    operatorUrl: server.listening.then((l) => l?.operatorUrl),
    line: (text) => server.line(text),
    kill: (signal) => server.kill(signal),
  };
}
