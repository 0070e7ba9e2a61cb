import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `npm test`'s vitest part, as two vitest processes side by side: the serial projects (a pcscd,
 * Chromium and a server per file, one file at a time) and the rest on one worker. One vitest run
 * would start the serial files only after all the others (docs/testing.md, "Time").
 */

const ROOT = join(import.meta.dirname, '..');
/** The projects whose files run one at a time: vitest.config.ts turns their file parallelism off. */
const SERIAL = ['card', 'e2e', 'electron'] as const;
const PARALLEL = ['unit', 'renderer', 'integration'] as const;
const SERIAL_LOG = join(ROOT, 'test-results', 'serial-projects.log');

/** Runs vitest on `projects` with its output to `output` (inherited when undefined); its exit code. */
function vitest(
  projects: readonly string[],
  extra: readonly string[],
  output?: NodeJS.WritableStream,
): Promise<number> {
  const args = ['run', ...projects.flatMap((p) => ['--project', p]), ...extra];
  const child = spawn(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), ...args], {
    cwd: ROOT,
    stdio: [
      'ignore',
      output === undefined ? 'inherit' : 'pipe',
      output === undefined ? 'inherit' : 'pipe',
    ],
  });
  if (output !== undefined) {
    child.stdout?.pipe(output, { end: false });
    child.stderr?.pipe(output, { end: false });
  }
  return new Promise((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? (signal === null ? 1 : 128))),
  );
}

async function main(): Promise<void> {
  // Arguments after `npm test --` go to both runs (such as `-t "pattern"` or a file filter), and
  // then a run that the filter leaves empty is no failure.
  const given = process.argv.slice(2);
  const extra = given.length === 0 ? [] : [...given, '--passWithNoTests'];
  mkdirSync(join(ROOT, 'test-results'), { recursive: true });
  const serialLog = createWriteStream(SERIAL_LOG);
  console.log(
    `Running ${SERIAL.join(', ')} (one file at a time) beside ${PARALLEL.join(', ')}; the first part's output is in ${SERIAL_LOG} as it runs, and printed below when both end.`,
  );
  const [serial, parallel] = await Promise.all([
    vitest(SERIAL, extra, serialLog),
    // One worker: the serial run has the other core.
    vitest(PARALLEL, ['--maxWorkers=1', ...extra]),
  ]);
  await new Promise<void>((resolve) => serialLog.end(resolve));
  console.log(`\n===== ${SERIAL.join(', ')} =====`);
  process.stdout.write(readFileSync(SERIAL_LOG, 'utf8'));
  const failed = [
    ...(serial === 0 ? [] : [`${SERIAL.join(', ')} (exit ${serial})`]),
    ...(parallel === 0 ? [] : [`${PARALLEL.join(', ')} (exit ${parallel})`]),
  ];
  console.log(
    failed.length === 0 ? '\nAll test projects passed.' : `\nFailed: ${failed.join('; ')}`,
  );
  process.exit(failed.length === 0 ? 0 : 1);
}

void main();
