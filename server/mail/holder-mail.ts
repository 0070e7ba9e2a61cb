import type { HelpContacts } from '../../src/shared/help';
import type { HolderDelivery, HolderMessage } from '../domain/delivery-port';
import type { Mailer } from './mailer';
import {
  registeredNoticeMail,
  registrationCodeMail,
  unlockCodeMail,
  unlockedNoticeMail,
  type MailContent,
} from './templates';

/** The words of one holder email, each naming the desk (also the body of a Notify email). */
export function mailContentOf(message: HolderMessage, help: HelpContacts): MailContent {
  switch (message.purpose) {
    case 'unlock-code':
      return unlockCodeMail(message.holderName, message.code, message.validMinutes, help);
    case 'registration-code':
      return registrationCodeMail(message.holderName, message.code, message.validMinutes, help);
    case 'unlocked-notice':
      return unlockedNoticeMail(message.holderName, message.at, message.reason, help);
    case 'registered-notice':
      return registeredNoticeMail(message.holderName, help);
  }
}

/** Holder email over a mailer (SMTP or the outbox): words each message, then sends it. */
export function mailDelivery(mailer: Mailer, help: HelpContacts): HolderDelivery {
  return {
    send: (message) =>
      mailer.send({
        ...mailContentOf(message, help),
        to: message.to,
        purpose: message.purpose,
        ...('code' in message ? { code: message.code } : {}),
      }),
  };
}
