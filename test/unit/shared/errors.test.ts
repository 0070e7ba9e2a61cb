import { describe, expect, it } from 'vitest';
import { ERROR_CODES, appError, appErrorSchema } from '../../../src/shared/errors';

describe('error catalogue', () => {
  it.each(ERROR_CODES)('gives %s a message and a next step that validate', (code) => {
    const error = appError(code);
    expect(appErrorSchema.parse(error)).toEqual(error);
    expect(error.message.length).toBeGreaterThan(10);
    expect(error.nextStep.length).toBeGreaterThan(10);
  });

  it('when tries are left, then the message says how many', () => {
    expect(appError('ANSWERS_WRONG', { triesLeft: 2 }).message).toContain('2 more tries left');
    expect(appError('CODE_WRONG', { triesLeft: 1 }).message).toContain('1 more try left');
  });

  it('when self-service is locked, then the next step is to call x4050', () => {
    expect(appError('SELF_SERVICE_LOCKED').nextStep).toContain('x4050');
  });

  it('refuses unknown fields in details, so nothing unplanned travels in an error', () => {
    expect(
      appErrorSchema.safeParse({ ...appError('INTERNAL'), details: { puk: '12345678' } }).success,
    ).toBe(false);
  });
});
