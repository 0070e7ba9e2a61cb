import { helpWording, type HelpContacts } from '../../src/shared/help';
import { wording } from '../../src/shared/wording';
import { ukTime } from './uk-time';

/** A message's subject and its two bodies. */
export interface MailContent {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

const escapeHtml = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/** Groups a code in fours so it is easy to read and type ("ABCD EFGH"). */
const spaced = (code: string): string => code.replace(/(.{4})(?=.)/g, '$1 ');

/** A paragraph that leads to a link: the address on a line of its own in the text body. */
interface MailLink {
  readonly lead: string;
  readonly url: string;
  readonly label: string;
}

function render(
  subject: string,
  greeting: string,
  paragraphs: readonly (string | MailLink)[],
  help: HelpContacts,
  code?: string,
  codeLabel = 'Smartcard Unlock Code',
): MailContent {
  const { sentence } = helpWording(help);
  // The sign-off is the name in every screen's header.
  const { centre } = wording().service;
  const text = [
    greeting,
    '',
    ...paragraphs.flatMap((p) => (typeof p === 'string' ? [p, ''] : [p.lead, p.url, ''])),
    ...(code === undefined ? [] : [`${codeLabel}: ${spaced(code)}`, '']),
    sentence,
    '',
    centre,
  ].join('\n');
  const html = [
    '<!doctype html><html lang="en"><body style="font-family: Arial, sans-serif">',
    `<p>${escapeHtml(greeting)}</p>`,
    ...paragraphs.map((p) =>
      typeof p === 'string'
        ? `<p>${escapeHtml(p)}</p>`
        : `<p>${escapeHtml(p.lead)}<br><a href="${escapeHtml(p.url)}">${escapeHtml(p.label)}</a></p>`,
    ),
    ...(code === undefined
      ? []
      : [
          `<p>${escapeHtml(codeLabel)}:</p><p style="font-size: 1.5em; font-family: monospace; letter-spacing: 0.2em"><strong>${escapeHtml(spaced(code))}</strong></p>`,
        ]),
    `<p>${escapeHtml(sentence)}</p>`,
    `<p>${escapeHtml(centre)}</p>`,
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}

/**
 * A code email: its subject and lead, the code under its name (only an unlock's is a Smartcard
 * Unlock Code), and the warning every code email ends with.
 */
const codeMailOf =
  (subject: string, lead: (validMinutes: number) => readonly string[], codeLabel?: string) =>
  (holderName: string, code: string, validMinutes: number, help: HelpContacts): MailContent => {
    const warning =
      'If this was not you, do not share this code and contact the IT service desk straight away.';
    const paragraphs = [...lead(validMinutes), warning];
    return render(subject, `Dear ${holderName},`, paragraphs, help, code, codeLabel);
  };

/** The email that carries the Smartcard Unlock Code during an unlock; `help` is the server's desk. */
export const unlockCodeMail = codeMailOf('Your Smartcard Unlock Code', (validMinutes) => [
  'Someone, hopefully you, is unlocking your Smartcard with the Smartcard Unlock Service.',
  `Enter the Smartcard Unlock Code below and press the Next button. ${wording().code.leadsToPasscode} The code can be used once and expires in ${validMinutes} minutes.`,
]);

/** The email that confirms the registered address during registration. */
export const registrationCodeMail = codeMailOf(
  'Confirm your email address for the Smartcard Unlock Service',
  (validMinutes) => [
    'You are registering for the Smartcard Unlock Service. To confirm that this is your email address, enter the code below where you are registering.',
    `The code can be used once and expires in ${validMinutes} minutes.`,
  ],
  'Confirmation code',
);

/**
 * The notice sent once a card has been unlocked, or its forgotten passcode reset, with the "This
 * wasn't me" link when it is on (its address and how many days it works).
 */
export function unlockedNoticeMail(
  holderName: string,
  at: Date,
  reason: 'unlock' | 'forgotten',
  help: HelpContacts,
  notMe?: { readonly url: string; readonly validDays: number },
): MailContent {
  const forgotten = reason === 'forgotten';
  return render(
    forgotten ? 'Your Smartcard passcode has been reset' : 'Your Smartcard has been unlocked',
    `Dear ${holderName},`,
    [
      `Your Smartcard was ${forgotten ? 'given a new passcode' : 'unlocked and given a new passcode'} with the Smartcard Unlock Service at ${ukTime(at)}.`,
      ...(notMe === undefined
        ? ['If this was not you, contact the IT service desk straight away.']
        : [
            {
              lead: 'If this was not you, use this link to stop anyone unlocking your Smartcard with the service again, then contact the IT service desk straight away:',
              url: notMe.url,
              label: 'This wasn’t me',
            },
            `The link can be used once, and works for ${notMe.validDays} ${notMe.validDays === 1 ? 'day' : 'days'} after the unlock.`,
          ]),
    ],
    help,
  );
}

/** The notice sent once a registration has been saved. */
export function registeredNoticeMail(holderName: string, help: HelpContacts): MailContent {
  return render(
    'You are registered for the Smartcard Unlock Service',
    `Dear ${holderName},`,
    [
      'Your security questions and this email address are now registered for the Smartcard Unlock Service. If your Smartcard locks, you can unlock it yourself and set a new passcode.',
      'If this was not you, contact the IT service desk straight away.',
    ],
    help,
  );
}
