import { createInterface } from 'node:readline';
import { connectThroughBinding } from './binding-reader';

/**
 * bench/unlock's APDU baseline: the `smartcard` binding alone on this process's main thread (two
 * binding contexts in one process crash Node). Argument READER; each line read is hex APDUs
 * separated by spaces, sent in order whatever the card answers; the time taken (µs) is written back.
 */

async function main(): Promise<void> {
  const [reader] = process.argv.slice(2);
  if (reader === undefined) throw new Error('usage: unlock-binding READER');
  const { card, close } = await connectThroughBinding(reader);
  for await (const line of createInterface({ input: process.stdin })) {
    const commands = line
      .split(' ')
      .filter((hex) => hex !== '')
      .map((hex) => Buffer.from(hex, 'hex'));
    const start = performance.now();
    // The card layer's receive buffer, so both ask pcsc-lite for the same.
    for (const command of commands) await card.transmit(command, { maxRecvLength: 65536 + 2 });
    process.stdout.write(`${((performance.now() - start) * 1000).toFixed(1)}\n`);
  }
  close();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
