import type { HelpContacts } from '../../src/shared/help';
import type { HolderDelivery, HolderMessage } from '../domain/delivery-port';
import { noticeLink } from '../delivery/not-me-link';
import type { Mailer } from './mailer';
import {
  registeredNoticeMail,
  registrationCodeMail,
  unlockCodeMail,
  unlockedNoticeMail,
  type MailContent,
} from './templates';

/**
 * The words of one holder email, each naming the desk (also the body of a Notify email); links
 * point at `publicUrl`, and are left out without it.
 */
export function mailContentOf(
  message: HolderMessage,
  help: HelpContacts,
  publicUrl: string | undefined,
): MailContent {
  switch (message.purpose) {
    case 'unlock-code':
      return unlockCodeMail(message.holderName, message.code, message.validMinutes, help);
    case 'registration-code':
      return registrationCodeMail(message.holderName, message.code, message.validMinutes, help);
    case 'unlocked-notice':
      return unlockedNoticeMail(
        message.holderName,
        message.at,
        message.reason,
        help,
        noticeLink(message.notMe, publicUrl),
      );
    case 'registered-notice':
      return registeredNoticeMail(message.holderName, help);
  }
}

/** Holder email over a mailer (SMTP or the outbox): words each message, then sends it. */
export function mailDelivery(
  mailer: Mailer,
  help: HelpContacts,
  publicUrl: string | undefined,
): HolderDelivery {
  return {
    send: (message) =>
      mailer.send({
        ...mailContentOf(message, help, publicUrl),
        to: message.to,
        purpose: message.purpose,
        ...('code' in message ? { code: message.code } : {}),
      }),
  };
}
