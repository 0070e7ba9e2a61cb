import { helpWording, type HelpContacts } from '../../src/shared/help';
import type { HolderMessage } from '../domain/delivery-port';

/** Groups a code in fours, as the emails do ("ABCD EFGH"). */
export const spacedCode = (code: string): string => code.replace(/(.{4})(?=.)/g, '$1 ');

/**
 * A text message in our words: short (one or two SMS parts), the code first so a phone's preview
 * shows it, and the desk to call if it was not the holder. Sent to Notify as personalisation.
 */
export function textMessageOf(message: HolderMessage, help: HelpContacts): string {
  const { desk } = helpWording(help);
  const notYou = `If this was not you, call ${desk}.`;
  switch (message.purpose) {
    case 'unlock-code':
      return `Your Smartcard Unlock Code is ${spacedCode(message.code)}. It can be used once and expires in ${message.validMinutes} minutes. Do not share it. ${notYou}`;
    case 'registration-code':
      return `Your code to register for the Smartcard Unlock Service is ${spacedCode(message.code)}. It expires in ${message.validMinutes} minutes. ${notYou}`;
    case 'unlocked-notice':
      return `Your Smartcard was ${message.reason === 'forgotten' ? 'given a new passcode' : 'unlocked'} with the Smartcard Unlock Service at ${message.at.toISOString().replace('T', ' ').slice(0, 16)} UTC. ${notYou}`;
    case 'registered-notice':
      return `You are registered for the Smartcard Unlock Service. ${notYou}`;
  }
}
