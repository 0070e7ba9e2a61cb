import { describe, expect, it } from 'vitest';
import { ERROR_CODES, type ErrorCode } from '../../../../src/shared/errors';
import { ERROR_STATUS, statusForCode, successStatusOf } from '../../../../server/http/status';

/** The codes the server's domain and HTTP edge produce: each must be a 4xx unless it is ours. */
const SERVER_CODES: readonly ErrorCode[] = [
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
  'ATTEMPT_EXPIRED',
  'ATTEMPT_NOT_FOUND',
  'ATTEMPT_STATE',
  'PROOF_INVALID',
  'PUK_RELEASE_LIMIT',
  'RATE_LIMITED',
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'NOT_ME_LINK_INVALID',
  'NOT_ME_LINK_EXPIRED',
  'NOT_ME_ALREADY_REPORTED',
];

describe('the error status table', () => {
  it('when any code is looked up, then it has a status between 400 and 599', () => {
    for (const code of ERROR_CODES) {
      expect(ERROR_STATUS[code]).toBeGreaterThanOrEqual(400);
      expect(ERROR_STATUS[code]).toBeLessThan(600);
    }
  });

  it('when a code is a client mistake or a refusal, then its status is a 4xx', () => {
    for (const code of SERVER_CODES) expect(statusForCode(code), code).toBeLessThan(500);
  });

  it.each<[ErrorCode, number]>([
    ['VALIDATION_FAILED', 400],
    ['PROOF_INVALID', 403],
    ['PUK_RELEASE_LIMIT', 403],
    ['CARD_UNKNOWN', 404],
    ['ATTEMPT_NOT_FOUND', 404],
    ['CARD_NOT_REGISTERED', 409],
    ['ATTEMPT_STATE', 409],
    ['RESEND_LIMIT', 409],
    ['ATTEMPT_EXPIRED', 410],
    ['CODE_EXPIRED', 410],
    ['CODE_TRIES_EXHAUSTED', 410],
    ['ANSWERS_WRONG', 422],
    ['CODE_WRONG', 422],
    ['SELF_SERVICE_LOCKED', 423],
    ['SELF_SERVICE_FROZEN', 423],
    ['CERTIFICATE_EXPIRED', 403],
    ['NOT_ME_LINK_INVALID', 404],
    ['NOT_ME_ALREADY_REPORTED', 409],
    ['NOT_ME_LINK_EXPIRED', 410],
    ['RESEND_TOO_SOON', 429],
    ['RATE_LIMITED', 429],
    ['MAIL_UNAVAILABLE', 503],
    ['INTERNAL', 500],
    ['CARD_LOCKED', 500],
  ])('when the code is %s, then the status is %i', (code, status) => {
    expect(statusForCode(code)).toBe(status);
  });

  it('when a step starts an attempt, returns a body or returns nothing, then it succeeds with 201, 200 or 204', () => {
    expect(successStatusOf({ path: '/v1/unlock/attempts', response: {} })).toBe(201);
    expect(successStatusOf({ path: '/v1/unlock/attempts/{attemptId}/code', response: {} })).toBe(
      200,
    );
    expect(successStatusOf({ path: '/v1/unlock/attempts/{attemptId}' })).toBe(204);
  });
});
