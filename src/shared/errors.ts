import type { z } from 'zod';
import type { appErrorSchema } from './error-schema';
import { DEMO_HELP_CONTACTS, helpWording, type HelpContacts } from './help';
import { wording } from './wording';

/**
 * Every failure the user can meet, as a stable code. The code is what logs, the HTTP API and IPC
 * carry; its title, message and next step are in the wording catalogue (`wording.ts`), so every
 * screen says the same thing.
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
  'SELF_SERVICE_FROZEN',
  'CERTIFICATE_EXPIRED',
  'ANSWERS_WRONG',
  'CODE_WRONG',
  'CODE_EXPIRED',
  'CODE_TRIES_EXHAUSTED',
  'RESEND_TOO_SOON',
  'RESEND_LIMIT',
  'APPROVAL_LIMIT',
  'ATTEMPT_EXPIRED',
  'ATTEMPT_NOT_FOUND',
  'ATTEMPT_STATE',
  'PROOF_INVALID',
  'MAIL_UNAVAILABLE',
  'TEXT_UNAVAILABLE',
  'NO_CONTACT',
  'SERVICE_UNAVAILABLE',
  'PUK_RELEASE_LIMIT',
  'RATE_LIMITED',
  'VALIDATION_FAILED',
  'NOT_FOUND',
  // The "This wasn't me" link of the unlock notice (the server's own pages)
  'NOT_ME_LINK_INVALID',
  'NOT_ME_LINK_EXPIRED',
  'NOT_ME_ALREADY_REPORTED',
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
export type ErrorCode = (typeof ERROR_CODES)[number];

/** An error as a value, as `appErrorSchema` (error-schema.ts) checks it at every boundary. */
export type AppError = z.infer<typeof appErrorSchema>;

/** Facts that refine a message, such as tries left; never a secret. */
export type ErrorDetails = NonNullable<AppError['details']>;

/** The catalogue's next step for a code, naming these help contacts. */
function nextStepOf(code: ErrorCode, help: HelpContacts | null): string {
  const { nextStep } = wording().errors[code];
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
  const words = wording().errors[code];
  const message =
    typeof words.message === 'function' ? words.message(details ?? {}) : words.message;
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
