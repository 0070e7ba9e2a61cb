import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

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

/** A server process started by `startServerProcess`: its output, URLs and end. */
export interface Started {
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly lines: string[];
  /** Resolves with the URL from the `listening` log line, or undefined when the process ends first. */
  readonly listening: Promise<string | undefined>;
  /** The operator listener's URL from the same line (undefined when it is turned off). */
  readonly operatorUrl: Promise<string | undefined>;
  kill(signal: NodeJS.Signals): void;
}

/** Starts `npm run server` (or `args`) with only `env` and PATH and HOME, capturing its output. */
export function startServerProcess(env: Record<string, string>, args?: string[]): Started {
  const { command, args: defaultArgs } = serverCommand();
  const child = spawn(command, args ?? defaultArgs, {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let found: (line: { url?: string; operatorUrl?: string }) => void = () => undefined;
  const line = new Promise<{ url?: string; operatorUrl?: string }>((resolve) => (found = resolve));
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (text) => {
      lines.push(text);
      if (text.includes('"msg":"listening"')) found(JSON.parse(text) as { url: string });
    });
  }
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      found({});
      resolve({ code, signal });
    }),
  );
  return {
    exit,
    lines,
    listening: line.then((l) => l.url),
    operatorUrl: line.then((l) => l.operatorUrl),
    kill: (signal) => child.kill(signal),
  };
}
