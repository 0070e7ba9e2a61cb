import type { DeliveryChannel, Recipient } from './delivery-port';
import type { CardRecord } from './repository-ports';

// A holder's address on a channel, if the card has one (email is required today, mobile not).
function addressOn(
  channel: DeliveryChannel,
  card: Pick<CardRecord, 'email' | 'mobile'>,
): string | undefined {
  return channel === 'email' ? card.email : (card.mobile ?? undefined);
}

/**
 * Where an unlock's code and notice go: the first channel of the setting's order
 * (`delivery.channels`) the holder has an address on; undefined when they have none of them.
 */
export function chooseRecipient(
  order: readonly DeliveryChannel[],
  card: Pick<CardRecord, 'email' | 'mobile'>,
): Recipient | undefined {
  for (const channel of order) {
    const to = addressOn(channel, card);
    if (to !== undefined) return { channel, to };
  }
  return undefined;
}
