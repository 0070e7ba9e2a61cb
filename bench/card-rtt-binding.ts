import { createInterface } from 'node:readline';
import { connectThroughBinding } from './binding-reader';

/**
 * bench/card-rtt's baseline: the given APDUs through the `smartcard` binding on this process's main
 * thread, in a process of its own (two binding contexts in one process crash Node). Arguments
 * READER HEXAPDU...; for each count N read on standard input, N sequences timed in µs on one line.
 */

const SELECT_PIV = Buffer.from('00a4040009a0000003080000100000', 'hex');

/** What the unblock's answers may be: 90 00, or 63 Cx for the tries read. */
const expected = (response: Uint8Array): boolean => {
  const sw = (response.at(-2)! << 8) | response.at(-1)!;
  return sw === 0x9000 || (sw & 0xfff0) === 0x63c0;
};

async function main(): Promise<void> {
  const [reader, ...apdus] = process.argv.slice(2);
  if (reader === undefined || apdus.length === 0) {
    throw new Error('usage: card-rtt-binding READER HEXAPDU...');
  }
  const { card, close } = await connectThroughBinding(reader);
  await card.transmit(SELECT_PIV);
  const commands = apdus.map((apdu) => Buffer.from(apdu, 'hex'));
  for await (const line of createInterface({ input: process.stdin })) {
    const count = Number(line);
    const times: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const start = performance.now();
      for (const command of commands) {
        // The card layer's receive buffer, so both ask pcsc-lite for the same.
        const response = await card.transmit(command, { maxRecvLength: 65536 + 2 });
        if (!expected(response)) throw new Error(`the card answered ${response.toString('hex')}`);
      }
      times.push(((performance.now() - start) * 1000).toFixed(1));
    }
    process.stdout.write(`${times.join(' ')}\n`);
  }
  close();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
