import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { withParentDeath } from './pcscd';

/** The lines the virtual card CLI prints, which tests wait on. */
export const CARD_LINES = {
  inserted: /^Card inserted/,
  removed: /^Card removed/,
  lost: /closed the connection/,
  pulled: /^Card pulled/,
} as const;

/** A virtual card running in its own process, driven through stdin, watched through stdout. */
export interface VirtualCardProcess {
  /** Everything printed so far (stdout and stderr), for assertions and failure messages. */
  readonly output: readonly string[];
  /** The number of lines printed so far: pass it to `waitForLine` to wait only for newer lines. */
  mark(): number;
  /** Resolves with the first line matching `pattern` printed after `since`. */
  waitForLine(pattern: RegExp, since?: number, timeoutMs?: number): Promise<string>;
  /** Sends one stdin command: insert, remove or quit. */
  send(command: 'insert' | 'remove' | 'quit'): void;
  /** Resolves with the exit code once the process has exited. */
  exited(): Promise<number | null>;
  /** Stops the card with SIGTERM (removing it cleanly) and waits for the process to exit. */
  stop(): Promise<number | null>;
}

/** Spawns `entry` (a TypeScript file) with tsx and the given arguments, and `env` added to ours. */
export function spawnVirtualCard(
  entry: string,
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): VirtualCardProcess {
  // The card dies with the test process even when that is killed: it would otherwise keep
  // reconnecting to vpcd for ever.
  const command = [...withParentDeath().split(' ').filter(Boolean), process.execPath];
  const child: ChildProcess = spawn(
    command[0]!,
    [...command.slice(1), '--import', 'tsx', entry, ...args],
    { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } },
  );
  const output: string[] = [];
  const waiters = new Set<() => void>();
  const onLine = (line: string): void => {
    output.push(line);
    for (const waiter of [...waiters]) waiter();
  };
  createInterface({ input: child.stdout! }).on('line', onLine);
  createInterface({ input: child.stderr! }).on('line', onLine);
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let exitCode: number | null | undefined;
  void exit.then((code) => {
    exitCode = code;
    for (const waiter of [...waiters]) waiter();
  });

  return {
    output,
    mark: () => output.length,
    waitForLine: (pattern, since = 0, timeoutMs = 15_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `no line matching ${pattern} within ${timeoutMs} ms; the card said:\n${output.join('\n')}`,
            ),
          );
        }, timeoutMs);
        function check(): void {
          const line = output.slice(since).find((l) => pattern.test(l));
          if (line !== undefined) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve(line);
          } else if (exitCode !== undefined) {
            clearTimeout(timer);
            waiters.delete(check);
            reject(
              new Error(
                `the card exited (${exitCode}) before printing ${pattern}:\n${output.join('\n')}`,
              ),
            );
          }
        }
        waiters.add(check);
        check();
      }),
    send: (command) => {
      child.stdin!.write(`${command}\n`);
    },
    exited: () => exit,
    stop: async () => {
      if (exitCode === undefined) child.kill('SIGTERM');
      return exit;
    },
  };
}
