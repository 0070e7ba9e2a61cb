import { runVirtualCard } from '../../../../src/main/card/virtual/cli';
import { openVirtualCardFile } from '../../../../src/main/card/virtual/virtual-piv-card';
import { err, ok } from '../../../../src/shared/result';

/**
 * The virtual card CLI with the virtual PIV card loaded from its profile, run as its own process.
 * (The CLI's own loader is wired by the card layer; this entry lets the enrol test run meanwhile.)
 */
void runVirtualCard(process.argv.slice(2), {
  loadCard: (path) => {
    const card = openVirtualCardFile(path);
    return Promise.resolve(card.ok ? ok(card.value) : err(card.error.message));
  },
  input: process.stdin,
  print: (line) => console.log(line),
  printError: (line) => console.error(line),
}).then((code) => process.exit(code));
