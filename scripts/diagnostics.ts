import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runDiagnosticsCommand } from '../src/main/diagnostics/diagnostics-command';
import { processSettingsInputs } from '../src/main/settings/load-settings';

/**
 * `npm run diagnostics [-- --json] [app flags]`: the service desk's report on this workstation
 * (app version, settings and their sources, card service, readers and cards, server and its
 * certificate), as text or JSON. App flags such as --server-url apply as they would to the app.
 */

const USAGE = `Usage: npm run diagnostics -- [--json] [--server-url URL] [other app settings flags]

Prints what the service desk needs to help: app version, settings and where each came from, the
card service and readers, the card in each reader (PIV or not, its identifier, locked or not), and
whether the server answers and its certificate is trusted. It holds no passcode, PUK or answer.
Exit status: 0 when the card service runs and the server is healthy, 1 otherwise.`;

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help')) {
    console.log(USAGE);
    return 0;
  }
  const version = (
    JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
  return runDiagnosticsCommand({ ...processSettingsInputs(), argv }, version, (text) =>
    process.stdout.write(text),
  );
}

main(process.argv.slice(2)).then(
  (status) => process.exit(status),
  (error: unknown) => {
    console.error(error);
    process.exit(70);
  },
);
