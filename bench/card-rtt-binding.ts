import * as smartcard from 'smartcard';

/**
 * bench/card-rtt's diagnostic side: the round trip through the smartcard binding on a plain Node
 * thread (no worker, no message hop), in a process of its own because the binding must not be
 * loaded both on the main thread and in the card layer's worker. Same arguments and output as
 * card-rtt-client.c: READER WARMUP COUNT HEXAPDU; one round trip in microseconds per line.
 */

const SELECT_PIV = Buffer.from('00a4040009a0000003080000100000', 'hex');

async function main(): Promise<void> {
  const [reader, warmup, count, apdu] = process.argv.slice(2);
  if (reader === undefined || warmup === undefined || count === undefined || apdu === undefined) {
    throw new Error('usage: card-rtt-binding READER WARMUP COUNT HEXAPDU');
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
  const times: string[] = [];
  const total = Number(warmup) + Number(count);
  for (let i = 0; i < total; i += 1) {
    const start = performance.now();
    await card.transmit(command);
    const elapsed = (performance.now() - start) * 1000;
    if (i >= Number(warmup)) times.push(elapsed.toFixed(1));
  }
  card.disconnect(smartcard.SCARD_LEAVE_CARD);
  context.close();
  process.stdout.write(`${times.join('\n')}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
