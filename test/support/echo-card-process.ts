import { runVirtualCard } from '../../src/main/card/virtual/cli';
import { ok } from '../../src/shared/result';
import { echoCard } from './echo-card';

/**
 * The virtual card CLI with the echo card in place of a PIV profile (same arguments and lines;
 * `--profile` ignored); PULL (INS 0xEE) exits unanswered, a card pulled mid-command.
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
