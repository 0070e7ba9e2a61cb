import { z } from 'zod';
import { DEMO_HELP_CONTACTS, helpWording, type HelpContacts, type HelpWording } from './help';

/**
 * Every failure the user can meet, as a stable code. The code is what logs, the HTTP API and IPC
 * carry; the wording lives in one catalogue so every screen says the same thing.
 */
export const ERROR_CODES = [
  // Card and reader (desktop app)
  'CARD_SERVICE_DOWN',
  'CARD_SUPPORT_MISSING',
  'READER_MISSING',
  'READER_CHOICE_NEEDED',
  'CARD_ABSENT',
  'CARD_REMOVED',
  'CARD_NOT_PIV',
  'CARD_NOT_LOCKED',
  'CARD_LOCKED',
  'PASSCODE_WRONG',
  'PUK_WRONG',
  'PUK_BLOCKED',
  'PASSCODE_REJECTED',
  'CARD_IO',
  // Verification server
  'CARD_NOT_REGISTERED',
  'CARD_UNKNOWN',
  'SELF_SERVICE_LOCKED',
  'ANSWERS_WRONG',
  'CODE_WRONG',
  'CODE_EXPIRED',
  'CODE_TRIES_EXHAUSTED',
  'RESEND_TOO_SOON',
  'RESEND_LIMIT',
  'ATTEMPT_EXPIRED',
  'ATTEMPT_NOT_FOUND',
  'ATTEMPT_STATE',
  'PROOF_INVALID',
  'MAIL_UNAVAILABLE',
  'SERVICE_UNAVAILABLE',
  'PUK_RELEASE_LIMIT',
  'RATE_LIMITED',
  'VALIDATION_FAILED',
  'NOT_FOUND',
  // Transport and app
  'SERVER_UNREACHABLE',
  'SERVER_ERROR',
  'TLS_ERROR',
  'SETTINGS_INVALID',
  // Browser mode's loopback bridge (development and tests only)
  'BRIDGE_UNAUTHORISED',
  'BRIDGE_ORIGIN_REFUSED',
  'BRIDGE_HOST_REFUSED',
  'INTERNAL',
] as const;

/** A stable error code. */
export const errorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

/** Facts that refine a message, such as tries left; never a secret. */
export const errorDetailsSchema = z
  .object({
    triesLeft: z.number().int().nonnegative().optional(),
    retryAfterSeconds: z.number().int().nonnegative().optional(),
    field: z.string().max(200).optional(),
    readers: z.array(z.string().max(200)).max(16).optional(),
    /** SETTINGS_INVALID: where the bad setting came from (a file path, a variable, a flag). */
    source: z.string().max(500).optional(),
    /** SETTINGS_INVALID: what is wrong with the setting and how to put it right. */
    fix: z.string().max(1000).optional(),
  })
  .strict();
export type ErrorDetails = z.infer<typeof errorDetailsSchema>;

/** An error as a value: what the user reads, what they do next, and a code for the service desk. */
export const appErrorSchema = z
  .object({
    code: errorCodeSchema,
    message: z.string().min(1).max(1000),
    nextStep: z.string().min(1).max(1000),
    details: errorDetailsSchema.optional(),
  })
  .strict();
export type AppError = z.infer<typeof appErrorSchema>;

interface Wording {
  readonly message: string | ((d: ErrorDetails) => string);
  /** A function where it names the desk: each trust words it with its own help contacts. */
  readonly nextStep: string | ((help: HelpWording) => string);
}

const callDesk = (w: HelpWording): string => `Call ${w.deskOrVisit}.`;
const tries = (d: ErrorDetails, what: string): string =>
  d.triesLeft === undefined
    ? ''
    : ` You have ${d.triesLeft} ${what} ${d.triesLeft === 1 ? 'try' : 'tries'} left.`;

/** User-facing wording for every code. */
export const ERROR_CATALOGUE: Readonly<Record<ErrorCode, Wording>> = {
  CARD_SERVICE_DOWN: {
    message: 'The smartcard service on this computer is not running.',
    nextStep: (w) =>
      `Wait a moment: this screen updates by itself when the service is back. If it does not, restart the computer or call ${w.phone}.`,
  },
  CARD_SUPPORT_MISSING: {
    message:
      'Smartcard support is not installed correctly on this computer, so Smartcard Unlock cannot use the card reader.',
    nextStep: (w) =>
      `This will not fix itself. Call ${w.desk} and say that Smartcard Unlock cannot load its smartcard support; the About and diagnostics screen has a report you can copy for them.`,
  },
  READER_MISSING: {
    message: 'No smartcard reader was found.',
    nextStep:
      'Plug in the smartcard reader you normally log in with. This screen updates by itself.',
  },
  READER_CHOICE_NEEDED: {
    message: 'More than one smartcard reader has a card in it.',
    nextStep: 'Choose the reader that holds the card you want to unlock, or remove the other card.',
  },
  CARD_ABSENT: {
    message: 'There is no smartcard in the reader.',
    nextStep: 'Insert your smartcard into the reader where you normally log in with it.',
  },
  CARD_REMOVED: {
    message:
      'Your smartcard was removed, so this attempt has ended safely. Your card has lost no tries.',
    nextStep: 'Insert your smartcard again and press Start.',
  },
  CARD_NOT_PIV: {
    message: 'The card in the reader is not a smartcard this service can unlock.',
    nextStep: 'Check that you inserted your NHS smartcard the right way round, then try again.',
  },
  CARD_NOT_LOCKED: {
    message: 'Your smartcard is not locked, so it does not need unlocking.',
    nextStep:
      'You can log in with your usual passcode, or register for the Smartcard Unlock Service.',
  },
  CARD_LOCKED: {
    message: 'Your smartcard is locked after three wrong passcodes.',
    nextStep: 'Use Smartcard Unlock to unlock it and set a new passcode.',
  },
  PASSCODE_WRONG: {
    message: (d) => `The passcode is not right.${tries(d, 'passcode')}`,
    nextStep:
      'Check the passcode and try again. If your card locks, you can unlock it here once registered.',
  },
  PUK_WRONG: {
    message: 'Your smartcard did not accept the unlock key the service holds for it.',
    nextStep: callDesk,
  },
  PUK_BLOCKED: {
    message: 'Your smartcard cannot be unlocked here any more.',
    nextStep: callDesk,
  },
  PASSCODE_REJECTED: {
    message: 'Your smartcard did not accept the new passcode.',
    nextStep: (w) =>
      `Choose a different passcode and try again. If it happens again, call ${w.phone}.`,
  },
  CARD_IO: {
    message: 'The smartcard could not be read.',
    nextStep: 'Take the card out, insert it again and press Start.',
  },
  CARD_NOT_REGISTERED: {
    message: 'Your smartcard is not registered for the Smartcard Unlock Service.',
    nextStep: (w) =>
      `To register, insert your card while it is not locked and choose Register. To unlock it now: ${callDesk(w)}`,
  },
  CARD_UNKNOWN: {
    message: 'This smartcard is not known to the Smartcard Unlock Service.',
    nextStep: callDesk,
  },
  SELF_SERVICE_LOCKED: {
    message:
      'Self-service unlock is locked for this smartcard after too many wrong answers or codes.',
    nextStep: (w) => `${callDesk(w)} They can unlock your card and clear the lock.`,
  },
  ANSWERS_WRONG: {
    message: (d) => `One or more answers did not match the ones you registered.${tries(d, 'more')}`,
    nextStep: 'Check your answers and try again.',
  },
  CODE_WRONG: {
    message: (d) => `That Smartcard Unlock Code is not right.${tries(d, 'more')}`,
    nextStep: 'Check the code in the email and type it again, or ask for a new code.',
  },
  CODE_EXPIRED: {
    message: 'That Smartcard Unlock Code has expired.',
    nextStep: 'Ask for a new code and use it within 10 minutes.',
  },
  CODE_TRIES_EXHAUSTED: {
    message: 'That Smartcard Unlock Code was typed wrongly too many times.',
    nextStep: 'Ask for a new code.',
  },
  RESEND_TOO_SOON: {
    message: (d) =>
      `A new code can be sent ${d.retryAfterSeconds === undefined ? 'shortly' : `in ${d.retryAfterSeconds} seconds`}.`,
    nextStep: 'Check your junk folder while you wait.',
  },
  RESEND_LIMIT: {
    message: 'No more codes can be sent for this attempt.',
    nextStep: (w) => `Start again, or call ${w.phone}.`,
  },
  ATTEMPT_EXPIRED: {
    message: 'This attempt has timed out.',
    nextStep: 'Press Start to begin again.',
  },
  ATTEMPT_NOT_FOUND: {
    message: 'This attempt is no longer known to the server.',
    nextStep: 'Press Start to begin again.',
  },
  ATTEMPT_STATE: {
    message: 'That step is not possible at this point of the attempt.',
    nextStep: 'Press Start to begin again.',
  },
  PROOF_INVALID: {
    // Also what a card the server does not know hears: nothing before a verified proof tells
    // whether a card exists (docs/security-model.md), and the desk can look the card up.
    message: 'This Smartcard cannot be unlocked here: the service could not check it.',
    nextStep: callDesk,
  },
  MAIL_UNAVAILABLE: {
    message: 'The email with your code could not be sent just now.',
    nextStep: 'Wait a minute and press Resend code. Your answers are kept.',
  },
  SERVICE_UNAVAILABLE: {
    // The server's database is down or not answering: a wait, not a bug (that is INTERNAL).
    message: 'The Smartcard Unlock Service is unavailable just now.',
    nextStep: (w) => `Try again in a few minutes. If it goes on, call ${w.deskOrVisit}.`,
  },
  PUK_RELEASE_LIMIT: {
    message: 'This smartcard has been unlocked too many times today.',
    nextStep: callDesk,
  },
  RATE_LIMITED: {
    message: 'Too many requests from this computer.',
    nextStep: 'Wait a minute and try again.',
  },
  VALIDATION_FAILED: {
    message: 'Some of the information sent was not valid.',
    nextStep: 'Check what you typed and try again.',
  },
  NOT_FOUND: {
    message: 'That was not found.',
    nextStep: 'Press Start to begin again.',
  },
  SERVER_UNREACHABLE: {
    message: 'The Smartcard Unlock Service cannot be reached.',
    nextStep: 'Check that this computer is connected to the network, then press Retry.',
  },
  SERVER_ERROR: {
    message: 'The Smartcard Unlock Service had a problem.',
    nextStep: (w) => `Press Retry in a minute. If it keeps happening, call ${w.phone}.`,
  },
  TLS_ERROR: {
    message: 'The connection to the Smartcard Unlock Service is not secure, so it was stopped.',
    nextStep: callDesk,
  },
  SETTINGS_INVALID: {
    message: 'Smartcard Unlock is not set up correctly on this computer.',
    nextStep: (w) => `Call ${w.phone} and read out the setting named on this screen.`,
  },
  BRIDGE_UNAUTHORISED: {
    message:
      'This page is not connected to Smartcard Unlock: its one-run key is missing or out of date.',
    nextStep:
      'Open the address Smartcard Unlock printed when it started (it ends with #token=), in a browser on this computer.',
  },
  BRIDGE_ORIGIN_REFUSED: {
    message: 'Smartcard Unlock refused a request that came from another web page.',
    nextStep:
      'Use Smartcard Unlock only from the address it printed when it started. If you did not open another page, close it.',
  },
  BRIDGE_HOST_REFUSED: {
    message: 'Smartcard Unlock does not answer at the address this page used.',
    nextStep:
      'Open the address Smartcard Unlock printed when it started: it begins with http://127.0.0.1:',
  },
  INTERNAL: {
    message: 'Something went wrong in Smartcard Unlock.',
    nextStep: (w) =>
      `Close Smartcard Unlock and open it again. If it keeps happening, call ${w.phone}.`,
  },
};

/** The catalogue's next step for a code, naming these help contacts. */
function nextStepOf(code: ErrorCode, help: HelpContacts | null): string {
  const { nextStep } = ERROR_CATALOGUE[code];
  return typeof nextStep === 'function' ? nextStep(helpWording(help)) : nextStep;
}

/**
 * Builds the error value for a code, with the catalogue's wording. The server passes its `help`
 * setting; the desktop's main process words with the demo's, which its screens re-word (below).
 */
export function appError(
  code: ErrorCode,
  details?: ErrorDetails,
  help: HelpContacts | null = DEMO_HELP_CONTACTS,
): AppError {
  const wording = ERROR_CATALOGUE[code];
  const d = details ?? {};
  const message = typeof wording.message === 'function' ? wording.message(d) : wording.message;
  const nextStep = nextStepOf(code, help);
  return details === undefined ? { code, message, nextStep } : { code, message, nextStep, details };
}

/**
 * The next step a screen shows, naming the app's own help contacts: a next step the catalogue
 * worded with the demo's is worded again; any other text (the browser bridge's own) is kept.
 */
export function nextStepFor(error: AppError, help: HelpContacts | null): string {
  return error.nextStep === nextStepOf(error.code, DEMO_HELP_CONTACTS)
    ? nextStepOf(error.code, help)
    : error.nextStep;
}
