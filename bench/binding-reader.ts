import * as smartcard from 'smartcard';

/**
 * The card in `reader` through the `smartcard` binding alone, on this process's main thread: the
 * baselines' way to the card (one binding context per process: two crash Node).
 */
export async function connectThroughBinding(reader: string) {
  const context = new smartcard.Context();
  const found = context.listReaders().find((r) => r.name === reader);
  if (found === undefined) throw new Error(`the binding does not list ${reader}`);
  const card = await found.connect(
    smartcard.SCARD_SHARE_SHARED,
    smartcard.SCARD_PROTOCOL_T0 | smartcard.SCARD_PROTOCOL_T1,
  );
  return {
    card,
    /** Leaves the card in the reader and ends the binding's context. */
    close(): void {
      card.disconnect(smartcard.SCARD_LEAVE_CARD);
      context.close();
    },
  };
}
