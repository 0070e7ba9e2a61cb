import { createHash } from 'node:crypto';
import { appError, type ErrorCode } from '../../src/shared/errors';
import { helpWording, type HelpContacts } from '../../src/shared/help';
import { wording } from '../../src/shared/wording';
import { NOT_ME_PATH } from '../delivery/not-me-link';
import { ukTime } from '../mail/uk-time';

/**
 * The "This wasn't me" pages: plain HTML in the NHS style, whole in one response (no script, no
 * image, no file to fetch), readable at 320 px wide and in forced colours. Worded here, as the
 * emails are; the refusals' words are the catalogue's (src/shared/wording-en.ts).
 */

const escapeHtml = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/** The pages' only style, inline: the Content-Security-Policy admits it by its hash alone. */
const STYLE = [
  'body{margin:0;font-family:Arial,sans-serif;font-size:1.1875rem;line-height:1.5;color:#212b32;background:#f0f4f5}',
  '.skip{position:absolute;left:-9999px}',
  '.skip:focus{left:.5rem;top:.5rem;padding:.5rem;background:#ffeb3b;color:#212b32;outline:4px solid #212b32}',
  'header{background:#005eb8;color:#fff;padding:1rem}',
  'header p,main,footer p{max-width:60rem;margin:0 auto}',
  'header p{font-weight:bold;font-size:1.375rem}',
  'main{display:block;padding:1.5rem 1rem 2.5rem}',
  'h1{font-size:2rem;line-height:1.25;margin:0 0 1.5rem}',
  'h2{font-size:1.5rem;line-height:1.3;margin:2rem 0 1rem}',
  '.inset{border-left:8px solid #005eb8;background:#fff;padding:1rem 1.5rem;margin:1.5rem 0}',
  'button{font:inherit;font-weight:bold;color:#fff;background:#007f3b;border:2px solid transparent;border-radius:4px;box-shadow:0 4px 0 #00401e;padding:.75rem 1rem;margin:0 0 1.5rem;cursor:pointer;max-width:100%}',
  'button:hover{background:#00662f}',
  'button:focus{outline:4px solid transparent;background:#ffeb3b;color:#212b32;box-shadow:0 4px 0 #212b32}',
  'footer{border-top:4px solid #005eb8;background:#d8dde0;padding:1.5rem 1rem}',
  // System colours where Windows forces its own: the header and the button stay legible.
  '@media (forced-colors:active){header{background:Canvas;color:CanvasText}button{background:ButtonFace;color:ButtonText;border-color:ButtonText}.inset{border-left-color:CanvasText}}',
].join('');

/**
 * The pages' own policy, stricter than helmet's: nothing loads, the one style by its hash, and
 * the form posts only to this server.
 */
export const NOT_ME_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** A whole page: header, the main content under its heading, and the desk in the footer. */
function page(heading: string, body: readonly string[], help: HelpContacts): string {
  const { service } = wording();
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex, nofollow">',
    `<title>${escapeHtml(service.pageTitle(heading))}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<a class="skip" href="#main">Skip to main content</a>',
    `<header><p>${escapeHtml(service.name)}</p></header>`,
    '<main id="main">',
    `<h1>${escapeHtml(heading)}</h1>`,
    ...body,
    '</main>',
    `<footer><p>${escapeHtml(helpWording(help).sentence)}</p></footer>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

const paragraph = (text: string): string => `<p>${escapeHtml(text)}</p>`;

/** The link's page: when the unlock was, what the button does, and the one button (a POST). */
export function notMePage(token: string, unlockedAt: string, help: HelpContacts): string {
  return page(
    'Report an unlock that was not you',
    [
      paragraph(
        `Your Smartcard was unlocked with the Smartcard Unlock Service at ${ukTime(new Date(unlockedAt))}.`,
      ),
      paragraph(
        'If this was not you, press the button below. Self-service unlock will be frozen for your Smartcard straight away: nobody will be able to unlock it with the Smartcard Unlock Service until the IT service desk turns it back on.',
      ),
      // Relative to this page, so it works behind a proxy's path; the token goes in the body.
      `<form method="post" action="${escapeHtml(NOT_ME_PATH.slice(1))}">`,
      `<input type="hidden" name="token" value="${escapeHtml(token)}">`,
      '<button type="submit">This wasn’t me — freeze self-service for my Smartcard</button>',
      '</form>',
      paragraph('If it was you, you do not need to do anything. You can close this page.'),
    ],
    help,
  );
}

/** After the button: self-service is frozen; what to do now, and what it does not stop. */
export function notMeDonePage(unlockedAt: string, help: HelpContacts): string {
  const w = helpWording(help);
  return page(
    'Self-service unlock is frozen for your Smartcard',
    [
      '<div class="inset">',
      paragraph(
        'Thank you for telling us. Nobody can unlock your Smartcard with the Smartcard Unlock Service until the IT service desk turns self-service unlock back on.',
      ),
      '</div>',
      `<h2>${escapeHtml(wording().failure.whatNext)}</h2>`,
      '<ol>',
      `<li>${escapeHtml(`Call ${w.deskOrVisit} now. Tell them that the unlock of your Smartcard at ${ukTime(new Date(unlockedAt))} was not you.`)}</li>`,
      `<li>${escapeHtml('Check that you still have your Smartcard. If you do not, tell the service desk: they can cancel it.')}</li>`,
      '</ol>',
      '<h2>What happens next</h2>',
      paragraph(
        'The service desk will check who you are. They can unlock your Smartcard, and turn self-service unlock back on for it.',
      ),
      paragraph(
        'Freezing self-service unlock does not stop the Smartcard itself: whoever has it and knows its passcode can still log in with it until it locks again. That is why you should call the service desk now.',
      ),
    ],
    help,
  );
}

/** A link that cannot be used (or any other failure): the catalogue's words for the code. */
export function notMeRefusalPage(code: ErrorCode, help: HelpContacts): string {
  const words = wording().errors[code];
  const error = appError(code, undefined, help);
  return page(
    words.title,
    [
      paragraph(error.message),
      `<h2>${escapeHtml(wording().failure.whatNext)}</h2>`,
      paragraph(error.nextStep),
    ],
    help,
  );
}
