import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unlockCodeSchema } from '../../../src/shared/http-api';
import { CODE_ALPHABET, normaliseUnlockCode } from '../../../src/shared/limits';

/** The code screen checks with `normaliseUnlockCode`; main and the server with the schema. */
describe('the unlock code as typed', () => {
  it('forgives case, spaces and hyphens, and refuses what cannot be a code', () => {
    expect(normaliseUnlockCode('abcd-ef 23')).toBe('ABCDEF23');
    expect(normaliseUnlockCode(' ab\tcd-efgh ')).toBe('ABCDEFGH');
    expect(normaliseUnlockCode('ab')).toBeUndefined();
    expect(normaliseUnlockCode('ABCDEFGHJKLMN')).toBeUndefined();
    expect(normaliseUnlockCode('ABCD_EFGH')).toBeUndefined();
  });

  it('is read the same by the screen and the schema', () => {
    const typed = fc.oneof(
      fc.string(),
      fc
        .array(fc.constantFrom(...`${CODE_ALPHABET.toLowerCase()}${CODE_ALPHABET} -_`))
        .map((c) => c.join('')),
    );
    fc.assert(
      fc.property(typed, (text) => {
        const parsed = unlockCodeSchema.safeParse(text);
        expect(parsed.success ? parsed.data : undefined).toBe(normaliseUnlockCode(text));
      }),
    );
  });
});
