import type { HelpContacts } from '../../src/shared/help';
import type { HolderMail, MailDelivery } from '../domain/delivery-port';
import type { Mailer } from './mailer';
import {
  registeredNoticeMail,
  registrationCodeMail,
  unlockCodeMail,
  unlockedNoticeMail,
  type MailContent,
} from './templates';

/** The words of one holder message, each naming the desk. */
function contentOf(mail: HolderMail, help: HelpContacts): MailContent {
  switch (mail.purpose) {
    case 'unlock-code':
      return unlockCodeMail(mail.holderName, mail.code, mail.validMinutes, help);
    case 'registration-code':
      return registrationCodeMail(mail.holderName, mail.code, mail.validMinutes, help);
    case 'unlocked-notice':
      return unlockedNoticeMail(mail.holderName, mail.at, help);
    case 'registered-notice':
      return registeredNoticeMail(mail.holderName, help);
  }
}

/** The domain's mail delivery over a mailer: words each message, then sends it. */
export function mailDelivery(mailer: Mailer, help: HelpContacts): MailDelivery {
  return {
    send: (mail) =>
      mailer.send({
        ...contentOf(mail, help),
        to: mail.to,
        purpose: mail.purpose,
        ...('code' in mail ? { code: mail.code } : {}),
      }),
  };
}
