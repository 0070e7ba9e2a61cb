import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * A bench process of its own (run with tsx), answering one line per line sent; a line it writes
 * unasked is read first. `stop` ends its input and waits for it to exit.
 */
export function lineChild(entry: string, args: readonly string[] = []) {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const unread: string[] = [];
  const waiting: ((line: string | undefined) => void)[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    const reader = waiting.shift();
    if (reader === undefined) unread.push(line);
    else reader(line);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => {
    for (const resolve of waiting.splice(0)) resolve(undefined);
  });
  const read = async (): Promise<string> => {
    const got =
      unread.shift() ??
      (child.exitCode === null
        ? await new Promise<string | undefined>((resolve) => waiting.push(resolve))
        : undefined);
    if (got === undefined) throw new Error(`${entry} stopped: ${stderr}`);
    return got;
  };
  const ask = (line: string): Promise<string> => {
    child.stdin.write(`${line}\n`);
    return read();
  };
  return {
    read,
    ask,
    /** Sends one JSON command and parses the JSON line it answers. */
    askJson: async (command: object): Promise<unknown> =>
      JSON.parse(await ask(JSON.stringify(command))) as unknown,
    stop: async () => {
      child.stdin.end();
      await exited;
    },
  };
}

/** A line child's side: answers each JSON line read from stdin with `answer`'s JSON, in order. */
export async function answerLines(answer: (line: unknown) => Promise<unknown>): Promise<void> {
  for await (const line of createInterface({ input: process.stdin })) {
    process.stdout.write(`${JSON.stringify(await answer(JSON.parse(line)))}\n`);
  }
}
