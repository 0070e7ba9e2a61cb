import type { z } from 'zod';
import { deliveryChannelSchema } from '../../src/shared/http-api';

/**
 * How the domain reaches a holder: it says what to tell whom and on which channel, and the
 * delivery adapter (server/delivery/holder-delivery.ts) words and sends it.
 */

/** What a message is, for logs, counters and the outbox index: never its contents. */
export type MailPurpose =
  'unlock-code' | 'registration-code' | 'unlocked-notice' | 'registered-notice';

/** How a message travels: email (SMTP, or GOV.UK Notify) or text message (GOV.UK Notify). */
export type DeliveryChannel = z.infer<typeof deliveryChannelSchema>;

/** Every channel, in the default order a code is offered on. */
export const DELIVERY_CHANNELS = deliveryChannelSchema.options;

/**
 * What became of a send: handed over, certainly not handed over, or unknown because the relay
 * had the message but had not answered when the send's time ran out (it may still deliver it).
 */
export type SendOutcome = 'sent' | 'not-sent' | 'unknown';

/** Where a message goes: a channel and that channel's address (an email, or a mobile in E.164). */
export interface Recipient {
  readonly channel: DeliveryChannel;
  readonly to: string;
}

/** One message to one holder, as the domain decides it. */
export type HolderMessage = Recipient &
  (
    | {
        readonly purpose: 'unlock-code' | 'registration-code';
        readonly holderName: string;
        readonly code: string;
        readonly validMinutes: number;
        /** The request's id (never a secret), so a provider's record matches the audit trail. */
        readonly reference?: string;
      }
    | {
        readonly purpose: 'unlocked-notice';
        readonly holderName: string;
        readonly at: Date;
        /** `forgotten`: the passcode was reset on a card that was not locked. */
        readonly reason: 'unlock' | 'forgotten';
        /** The "This wasn't me" link's token and how long it works; absent when it is off. */
        readonly notMe?: { readonly token: string; readonly validDays: number };
      }
    | { readonly purpose: 'registered-notice'; readonly holderName: string }
  );

/** Sends holder messages; `send` never throws and resolves within its channel's bound. */
export interface HolderDelivery {
  send(message: HolderMessage): Promise<SendOutcome>;
}
