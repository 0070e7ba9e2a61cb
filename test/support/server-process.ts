import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** The server's `listening` log line: its URL and the operator listener's (when turned on). */
export interface ListeningLine {
  readonly url: string;
  readonly operatorUrl?: string;
}

/** A spawned server: its output so far, its `listening` line, and its end. */
export interface ServerProcess {
  readonly lines: string[];
  /** The `listening` line, or undefined when the process ends before it. */
  readonly listening: Promise<ListeningLine | undefined>;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The `listening` line, or an error carrying the exit code and the output. */
  listened(): Promise<ListeningLine>;
  /** The first line containing `text`, as soon as it is written; an error if the process ends first. */
  line(text: string): Promise<string>;
  kill(signal?: NodeJS.Signals): void;
}

/** Spawns a server command with exactly `env`, waiting on its log lines rather than on time. */
export function spawnServer(
  command: string,
  args: readonly string[],
  options: { readonly cwd: string; readonly env: Record<string, string> },
): ServerProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiting = new Set<(text: string) => void>();
  let found: (line: ListeningLine | undefined) => void = () => undefined;
  const listening = new Promise<ListeningLine | undefined>((resolve) => (found = resolve));
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (text) => {
      lines.push(text);
      if (text.includes('"msg":"listening"')) found(JSON.parse(text) as ListeningLine);
      for (const heard of [...waiting]) heard(text);
    });
  }
  // 'close', not 'exit': it comes once the output's pipes are drained, so `lines` is whole by then.
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => {
      found(undefined);
      resolve({ code, signal });
    }),
  );
  const line = (text: string): Promise<string> => {
    const written = lines.find((l) => l.includes(text));
    if (written !== undefined) return Promise.resolve(written);
    return new Promise((resolve, reject) => {
      const heard = (l: string) => {
        if (!l.includes(text)) return;
        waiting.delete(heard);
        resolve(l);
      };
      waiting.add(heard);
      void exit.then(({ code }) => {
        if (!waiting.delete(heard)) return;
        reject(
          new Error(`the server exited (${code}) before writing "${text}":\n${lines.join('\n')}`),
        );
      });
    });
  };
  return {
    lines,
    listening,
    exit,
    listened: async () => {
      const line = await listening;
      if (line !== undefined) return line;
      const { code } = await exit;
      throw new Error(`the server exited (${code}) before listening:\n${lines.join('\n')}`);
    },
    line,
    kill: (signal = 'SIGTERM') => child.kill(signal),
  };
}
