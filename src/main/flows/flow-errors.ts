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
]);

/** Refusals of a resend that leave the code screen usable: it shows them and the user waits or retries. */
export const RESEND_PROBLEMS: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'RESEND_TOO_SOON',
  'RESEND_LIMIT',
  'MAIL_UNAVAILABLE',
  'RATE_LIMITED',
  'SERVER_UNREACHABLE',
  'SERVER_ERROR',
]);
