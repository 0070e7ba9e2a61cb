import type { HelpContacts } from '../../src/shared/help';
import type { HolderDelivery, HolderMessage, SendOutcome } from '../domain/delivery-port';
import type { DomainLogger } from '../domain/ports';
import { mailContentOf, mailDelivery } from '../mail/holder-mail';
import type { Mailer } from '../mail/mailer';
import type { NotifySettings } from './delivery-settings';
import type { NotifyMessage, NotifySender } from './notify-sender';
import { spacedCode, textMessageOf } from './text-messages';

/** What the router sends with: the mailer, and Notify when configured. */
interface DeliveryParts {
  readonly mailer: Mailer;
  readonly emailVia: 'smtp' | 'notify';
  readonly notify: { readonly sender: NotifySender; readonly settings: NotifySettings } | undefined;
  readonly help: HelpContacts;
  readonly logger: DomainLogger;
  /** Where holders reach the server, for the links in notices; none without it. */
  readonly publicUrl: string | undefined;
}

/** The Notify template for a message: one per purpose and channel (`notify.templates`). */
function templateOf(message: HolderMessage, settings: NotifySettings): string | undefined {
  const set = settings.templates[message.channel];
  if (set === undefined) return undefined;
  switch (message.purpose) {
    case 'unlock-code':
    case 'registration-code':
      return set.code;
    case 'unlocked-notice':
      return set.unlockedNotice;
    case 'registered-notice':
      return set.registeredNotice;
  }
}

/**
 * The message for Notify: our own words as the `body` (and an email's `subject`), and the parts
 * a template may place itself (name, code, minutes), under the names the settings give.
 */
function notifyMessageOf(
  message: HolderMessage,
  templateId: string,
  settings: NotifySettings,
  parts: Pick<DeliveryParts, 'help' | 'publicUrl'>,
): NotifyMessage {
  const names = settings.personalisation;
  const { help, publicUrl } = parts;
  const words =
    message.channel === 'sms'
      ? { [names.body]: textMessageOf(message, help, publicUrl) }
      : (() => {
          const mail = mailContentOf(message, help, publicUrl);
          return { [names.subject]: mail.subject, [names.body]: mail.text };
        })();
  const code =
    'code' in message
      ? {
          [names.code]: spacedCode(message.code),
          [names.validMinutes]: String(message.validMinutes),
        }
      : {};
  return {
    channel: message.channel,
    to: message.to,
    purpose: message.purpose,
    templateId,
    personalisation: { ...words, [names.holderName]: message.holderName, ...code },
    ...('reference' in message && message.reference !== undefined
      ? { reference: message.reference }
      : {}),
    secrets: [
      'code' in message ? message.code : '',
      message.to,
      ('notMe' in message ? message.notMe?.token : undefined) ?? '',
    ],
  };
}

/**
 * The domain's delivery port: email to the mailer (SMTP or the outbox) or to Notify's email API
 * (`delivery.email`), text messages to Notify. Never throws; each channel bounds its own send.
 */
export function holderDelivery(parts: DeliveryParts): HolderDelivery {
  const byMail = mailDelivery(parts.mailer, parts.help, parts.publicUrl);
  return {
    async send(message): Promise<SendOutcome> {
      if (message.channel === 'email' && parts.emailVia === 'smtp') return byMail.send(message);
      const templateId =
        parts.notify === undefined ? undefined : templateOf(message, parts.notify.settings);
      if (parts.notify === undefined || templateId === undefined) {
        // The settings refuse this at start; a message here is a wiring fault, not Notify's.
        parts.logger.error(
          { purpose: message.purpose, channel: message.channel },
          'no GOV.UK Notify settings for this channel: the message was not sent',
        );
        return 'not-sent';
      }
      return parts.notify.sender.send(
        notifyMessageOf(message, templateId, parts.notify.settings, parts),
      );
    },
  };
}
