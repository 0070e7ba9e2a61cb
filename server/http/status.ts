import type { ErrorCode } from '../../src/shared/errors';

/**
 * The HTTP status of every error code (ADR 0007): refusals and mistakes 4xx, the server's own
 * faults 5xx; a desktop-only code (card, reader, transport) from the domain would be a bug, so
 * 500.
 */
export const ERROR_STATUS: Readonly<Record<ErrorCode, number>> = {
  // The request itself
  VALIDATION_FAILED: 400,
  NOT_FOUND: 404,
  RATE_LIMITED: 429,
  // Cards and attempts
  CARD_UNKNOWN: 404,
  CARD_NOT_REGISTERED: 409,
  ATTEMPT_NOT_FOUND: 404,
  ATTEMPT_EXPIRED: 410,
  ATTEMPT_STATE: 409,
  PROOF_INVALID: 403,
  SELF_SERVICE_LOCKED: 423,
  SELF_SERVICE_FROZEN: 423,
  PUK_RELEASE_LIMIT: 403,
  // Only the Registration Authority can renew it: no request of the holder's changes that.
  CERTIFICATE_EXPIRED: 403,
  // Answers and codes: well-formed but wrong, so 422 with the tries left
  ANSWERS_WRONG: 422,
  CODE_WRONG: 422,
  CODE_EXPIRED: 410,
  CODE_TRIES_EXHAUSTED: 410,
  RESEND_TOO_SOON: 429,
  RESEND_LIMIT: 409,
  APPROVAL_LIMIT: 409,
  // The unlock notice's "This wasn't me" pages (HTML, outside /v1)
  NOT_ME_LINK_INVALID: 404,
  NOT_ME_LINK_EXPIRED: 410,
  NOT_ME_ALREADY_REPORTED: 409,
  // The server's dependencies and faults
  MAIL_UNAVAILABLE: 503,
  TEXT_UNAVAILABLE: 503,
  NO_CONTACT: 409,
  SERVICE_UNAVAILABLE: 503,
  SERVER_ERROR: 500,
  INTERNAL: 500,
  // Desktop-side codes: never expected from the server
  CARD_SERVICE_DOWN: 500,
  CARD_SUPPORT_MISSING: 500,
  READER_MISSING: 500,
  READER_CHOICE_NEEDED: 500,
  CARD_ABSENT: 500,
  CARD_REMOVED: 500,
  CARD_NOT_PIV: 500,
  CARD_NOT_LOCKED: 500,
  CARD_LOCKED: 500,
  PASSCODE_WRONG: 500,
  PUK_WRONG: 500,
  PUK_BLOCKED: 500,
  PASSCODE_REJECTED: 500,
  CARD_IO: 500,
  SERVER_UNREACHABLE: 500,
  TLS_ERROR: 500,
  SETTINGS_INVALID: 500,
  BRIDGE_UNAUTHORISED: 500,
  BRIDGE_ORIGIN_REFUSED: 500,
  BRIDGE_HOST_REFUSED: 500,
};

/** The status for a code. */
export function statusForCode(code: ErrorCode): number {
  return ERROR_STATUS[code];
}

/** The status a step answers on success: 201 for a new attempt, 204 without a body, else 200. */
export function successStatusOf(route: {
  readonly path: string;
  readonly response?: unknown;
}): number {
  if (route.response === undefined) return 204;
  return route.path.endsWith('/attempts') ? 201 : 200;
}
