import type { Contact } from '../../src/shared/http-api';
import { maskPhoneNumber } from '../../src/shared/phone-number';
import type { DeliveryChannel, Recipient } from './delivery-port';
import { maskEmail } from './mask-email';
import type { CardRecord } from './repository-ports';

/** The parts of a card that say where its holder can be reached. */
type Reachable = Pick<CardRecord, 'email' | 'mobile'>;

/** A holder's address on a channel, if the card has one. */
function addressOn(channel: DeliveryChannel, card: Reachable): string | undefined {
  return (channel === 'email' ? card.email : card.mobile) ?? undefined;
}

/**
 * Where a holder's code may go: each channel of the setting's order (`delivery.channels`) the
 * holder has an address on, in that order; empty when they have none of them.
 */
export function holderContacts(
  order: readonly DeliveryChannel[],
  card: Reachable,
): readonly Recipient[] {
  return order.flatMap((channel) => {
    const to = addressOn(channel, card);
    return to === undefined ? [] : [{ channel, to }];
  });
}

/** A recipient as the holder may see it: the channel and the address masked. */
export function maskedContact(recipient: Recipient): Contact {
  return {
    channel: recipient.channel,
    maskedAddress:
      recipient.channel === 'email' ? maskEmail(recipient.to) : maskPhoneNumber(recipient.to),
  };
}
