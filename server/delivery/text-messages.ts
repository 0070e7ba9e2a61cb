import { helpWording, type HelpContacts } from '../../src/shared/help';
import type { HolderMessage } from '../domain/delivery-port';
import { ukTime } from '../mail/uk-time';
import { noticeLink } from './not-me-link';

/** Groups a code in fours, as the emails do ("ABCD EFGH"). */
export const spacedCode = (code: string): string => code.replace(/(.{4})(?=.)/g, '$1 ');

/**
 * A text message in our words: short (a notice with its link takes three SMS parts), the code
 * first so a phone's preview shows it, and the desk to call. Sent to Notify as personalisation.
 */
export function textMessageOf(
  message: HolderMessage,
  help: HelpContacts,
  publicUrl: string | undefined,
): string {
  const { desk } = helpWording(help);
  const notYou = `If this was not you, call ${desk}.`;
  switch (message.purpose) {
    case 'unlock-code':
      return `Your Smartcard Unlock Code is ${spacedCode(message.code)}. It can be used once and expires in ${message.validMinutes} minutes. Do not share it. ${notYou}`;
    case 'registration-code':
      return `Your code to register for the Smartcard Unlock Service is ${spacedCode(message.code)}. It expires in ${message.validMinutes} minutes. ${notYou}`;
    case 'unlocked-notice': {
      const done = message.reason === 'forgotten' ? 'given a new passcode' : 'unlocked';
      const said = `Your Smartcard was ${done} with the Smartcard Unlock Service at ${ukTime(message.at)}.`;
      const link = noticeLink(message.notMe, publicUrl);
      // The link last, with nothing after it that a phone could take for part of the address.
      return link === undefined
        ? `${said} ${notYou}`
        : `${said} If this was not you, call ${desk} and report it here (the link works once): ${link.url}`;
    }
    case 'registered-notice':
      return `You are registered for the Smartcard Unlock Service. ${notYou}`;
  }
}
