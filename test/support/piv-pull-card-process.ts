import { runVirtualCard } from '../../src/main/card/virtual/cli';
import { openVirtualCardFile } from '../../src/main/card/virtual/virtual-piv-card';
import { err, ok } from '../../src/shared/result';

/**
 * The virtual PIV card CLI that leaves the reader, unanswered, at the first command whose INS is
 * `PULL_ON_INS` (hex, environment): a card pulled mid-command; all else reaches the real card.
 */
const pullOn = Number.parseInt(process.env.PULL_ON_INS ?? '', 16);

void runVirtualCard(process.argv.slice(2), {
  loadCard: (profilePath) => {
    const opened = openVirtualCardFile(profilePath);
    if (!opened.ok) return Promise.resolve(err(opened.error.message));
    const card = opened.value;
    return Promise.resolve(
      ok({
        atr: card.atr,
        reset: () => card.reset?.(),
        process: (command: Uint8Array) => {
          if (command[1] === pullOn) {
            console.log('Card pulled in the middle of a command.');
            process.exit(0);
          }
          return card.process(command);
        },
      }),
    );
  },
  input: process.stdin,
  print: (line) => console.log(line),
  printError: (line) => console.error(line),
}).then((code) => process.exit(code));
