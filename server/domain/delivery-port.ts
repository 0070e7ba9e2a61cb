/**
 * How the domain reaches a holder: it says what to tell whom, and the mail adapter
 * (server/mail/holder-mail.ts) words and sends it.
 */

/** What a message is, for logs, counters and the outbox index: never its contents. */
export type MailPurpose =
  'unlock-code' | 'registration-code' | 'unlocked-notice' | 'registered-notice';

/**
 * What became of a send: handed over, certainly not handed over, or unknown because the relay
 * had the message but had not answered when the send's time ran out (it may still deliver it).
 */
export type SendOutcome = 'sent' | 'not-sent' | 'unknown';

/** One message to one holder, as the domain decides it. */
export type HolderMail =
  | {
      readonly purpose: 'unlock-code' | 'registration-code';
      readonly to: string;
      readonly holderName: string;
      readonly code: string;
      readonly validMinutes: number;
    }
  | {
      readonly purpose: 'unlocked-notice';
      readonly to: string;
      readonly holderName: string;
      readonly at: Date;
    }
  | { readonly purpose: 'registered-notice'; readonly to: string; readonly holderName: string };

/** Sends holder mail; `send` never throws and resolves within the mail settings' bound. */
export interface MailDelivery {
  send(mail: HolderMail): Promise<SendOutcome>;
}
