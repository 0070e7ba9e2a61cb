import { describe, expect, it } from 'vitest';
import { appErrorSchema } from '../../../src/shared/error-schema';
import { ERROR_CODES, appError } from '../../../src/shared/errors';

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

describe('error wording that matches what the screen offers (issue 19)', () => {
  it('when the card is not locked, then registering is offered only to a holder not registered yet', () => {
    const { nextStep } = appError('CARD_NOT_LOCKED');
    expect(nextStep).toContain('You can log in with your usual passcode.');
    expect(nextStep).toContain('If you have not registered for the Smartcard Unlock Service yet');
    expect(nextStep).not.toMatch(/, or register/);
  });

  it('when the card was removed where the attempt cannot wait, then the next step names the Retry button the screen offers', () => {
    expect(appError('CARD_REMOVED').nextStep).toBe('Insert your smartcard again and press Retry.');
  });

  it('when the daily unlock limit is reached, then it says plainly that the card was unlocked too often today, that it can be unlocked tomorrow, and whom to call', () => {
    const error = appError('PUK_RELEASE_LIMIT');
    expect(error.message).toContain('cannot be unlocked here again today');
    expect(error.nextStep).toContain('You can unlock it here again tomorrow.');
    expect(error.nextStep).toContain('x4050');
  });
});
