import type { AppError, ErrorCode } from '../../shared/errors';

/**
 * Errors after which starting again can help (the card came out, the network dropped); the others
 * need the service desk or a different card, so the screen offers no Retry.
 */
const RETRYABLE = new Set<ErrorCode>([
  'CARD_REMOVED',
  'CARD_ABSENT',
  'CARD_IO',
  'CARD_SERVICE_DOWN',
  'READER_MISSING',
  'READER_CHOICE_NEEDED',
  'SERVER_UNREACHABLE',
  'SERVER_ERROR',
  'ATTEMPT_EXPIRED',
  'ATTEMPT_NOT_FOUND',
  'ATTEMPT_STATE',
  'MAIL_UNAVAILABLE',
  'TEXT_UNAVAILABLE',
  'SERVICE_UNAVAILABLE',
  'RATE_LIMITED',
  'PASSCODE_REJECTED',
  'CODE_TRIES_EXHAUSTED',
  'RESEND_LIMIT',
  'PASSCODE_WRONG',
  'INTERNAL',
]);

/** Whether the failure screen should offer to start again. */
export function canRetryAfter(error: AppError): boolean {
  return RETRYABLE.has(error.code);
}

/** Refusals of a code that leave the attempt alive: the code screen shows them and offers a resend. */
export const CODE_PROBLEMS: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'CODE_WRONG',
  'CODE_EXPIRED',
  'CODE_TRIES_EXHAUSTED',
  'VALIDATION_FAILED',
  // The database away: the same code is taken again once it is back, even if it was spent.
  'SERVICE_UNAVAILABLE',
]);

/** Refusals of a resend that leave the code screen usable: it shows them and the user waits or retries. */
export const RESEND_PROBLEMS: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'RESEND_TOO_SOON',
  'RESEND_LIMIT',
  'MAIL_UNAVAILABLE',
  'TEXT_UNAVAILABLE',
  'RATE_LIMITED',
  'SERVER_UNREACHABLE',
  'SERVER_ERROR',
]);

/** A code that could not be sent just now: the attempt is kept, and sending again can work. */
export const NOT_SENT: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'MAIL_UNAVAILABLE',
  'TEXT_UNAVAILABLE',
]);

/**
 * Refusals of a first send by the channel the holder chose that leave the choice open: the screen
 * shows them, and the holder chooses again (the same way after a wait, or the other).
 */
export const SEND_PROBLEMS: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  ...NOT_SENT,
  'RESEND_TOO_SOON',
  'RATE_LIMITED',
  'SERVER_UNREACHABLE',
  'SERVER_ERROR',
  'VALIDATION_FAILED',
]);
