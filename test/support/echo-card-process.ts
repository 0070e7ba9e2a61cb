import { runVirtualCard } from '../../src/main/card/virtual/cli';
import { ok } from '../../src/shared/result';
import { echoCard } from './echo-card';

/**
 * The virtual card CLI with the echo card in place of a PIV profile, run as its own process by the
 * PC/SC tests: same arguments, same stdin commands, same printed lines. `--profile` is required by
 * the CLI and ignored here. The PULL command (INS 0xEE) exits the process without answering, which
 * is a card pulled in the middle of a command.
 */
void runVirtualCard(process.argv.slice(2), {
  loadCard: () =>
    Promise.resolve(
      ok(
        echoCard(() => {
          console.log('Card pulled in the middle of a command.');
          process.exit(0);
        }),
      ),
    ),
  input: process.stdin,
  print: (line) => console.log(line),
  printError: (line) => console.error(line),
}).then((code) => process.exit(code));
