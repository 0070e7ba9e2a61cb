import { createInterface } from 'node:readline/promises';
import { inspect } from 'node:util';
import { pino } from 'pino';
import { createServices } from '../create-services';
import { createLogger } from '../logging';
import { openLocalCardPcsc } from './enrol';
import { runAdmin } from './run-admin';
import { escapeTerminalOutput } from './terminal-text';

/** `npm run admin -- <command>`: IT's command-line tool on the server (see --help). */
async function readLine(prompt: string): Promise<string> {
  const rl = createInterface({
    input: process.stdin,
    output: process.stdin.isTTY ? process.stderr : undefined,
  });
  try {
    return await rl.question(process.stdin.isTTY ? prompt : '');
  } finally {
    rl.close();
  }
}

runAdmin({
  argv: process.argv.slice(2),
  env: process.env,
  cwd: process.cwd(),
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  readLine,
  openCore: (settings) =>
    createServices(settings.core, { logger: createLogger('warn', pino.destination(2)) }),
  openLocalCard: openLocalCardPcsc,
}).then(
  (status) => process.exit(status),
  (error: unknown) => {
    // An unexpected error can quote a file or a database value: escaped like every other message.
    process.stderr.write(`${escapeTerminalOutput(inspect(error))}\n`);
    process.exit(70);
  },
);
