import { createInterface } from 'node:readline';
import * as smartcard from 'smartcard';

/**
 * bench/card-rtt's diagnostic side: the round trip through the smartcard binding on a plain Node
 * thread (no worker, no hop between threads), in a process of its own because the binding must not
 * be loaded both here and in the card layer's worker. The same protocol as card-rtt-client.c:
 * arguments READER HEXAPDU; for each count N read on standard input, N round trips printed in
 * microseconds on one line.
 */

const SELECT_PIV = Buffer.from('00a4040009a0000003080000100000', 'hex');

async function main(): Promise<void> {
  const [reader, apdu] = process.argv.slice(2);
  if (reader === undefined || apdu === undefined) {
    throw new Error('usage: card-rtt-binding READER HEXAPDU');
  }
  const context = new smartcard.Context();
  const found = context.listReaders().find((r) => r.name === reader);
  if (found === undefined) throw new Error(`the binding does not list ${reader}`);
  const card = await found.connect(
    smartcard.SCARD_SHARE_SHARED,
    smartcard.SCARD_PROTOCOL_T0 | smartcard.SCARD_PROTOCOL_T1,
  );
  await card.transmit(SELECT_PIV);
  const command = Buffer.from(apdu, 'hex');
  for await (const line of createInterface({ input: process.stdin })) {
    const count = Number(line);
    const times: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const start = performance.now();
      await card.transmit(command);
      times.push(((performance.now() - start) * 1000).toFixed(1));
    }
    process.stdout.write(`${times.join(' ')}\n`);
  }
  card.disconnect(smartcard.SCARD_LEAVE_CARD);
  context.close();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
