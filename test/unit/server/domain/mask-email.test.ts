import { describe, expect, it } from 'vitest';
import { maskEmail } from '../../../../server/domain/mask-email';

describe('maskEmail', () => {
  it.each([
    ['john.rigby@nhs.net', 'j****y@nhs.net'],
    ['jy@nhs.net', 'j****@nhs.net'],
    ['j@nhs.net', 'j****@nhs.net'],
    ['first.last+tag@trust.nhs.uk', 'f****g@trust.nhs.uk'],
  ])('when the address is %s, then the screen shows %s', (email, masked) => {
    expect(maskEmail(email)).toBe(masked);
  });
});
