import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  PHONE_NUMBER_PROBLEM_MESSAGES,
  e164UkMobileSchema,
  maskPhoneNumber,
  parseUkMobileNumber,
  ukMobileNumberSchema,
  type PhoneNumberProblem,
} from '../../../src/shared/phone-number';

/** Ten national digits of a mobile range: 071–075, 077–079 or 07624. */
const mobileNational = fc.oneof(
  fc
    .tuple(fc.constantFrom('1', '2', '3', '4', '5', '7', '8', '9'), fc.stringMatching(/^\d{8}$/))
    .map(([range, rest]) => `7${range}${rest}`),
  fc.stringMatching(/^\d{6}$/).map((rest) => `7624${rest}`),
);

/** One mobile number written the ways people and exports write it. */
const typedMobile = fc
  .tuple(
    mobileNational,
    fc.constantFrom('0', '+44', '+44 ', '0044 ', '+44 (0)', '44', '0044-'),
    fc.constantFrom('', ' ', '-', '.'),
  )
  .map(([national, prefix, sep]) => ({
    national,
    typed: `${prefix}${national.slice(0, 4)}${sep}${national.slice(4, 7)}${sep}${national.slice(7)}`,
  }));

describe('UK mobile numbers: what people type becomes E.164', () => {
  it.each([
    ['07700 900123', '+447700900123'],
    ['+44 7700 900123', '+447700900123'],
    ['0044 7700-900123', '+447700900123'],
    ['(07700) 900 123', '+447700900123'],
    ['+44 (0)7700 900123', '+447700900123'],
    ['447700900123', '+447700900123'],
    ['07624 123456', '+447624123456'],
    ['  07911 123 456  ', '+447911123456'],
    ['7700900123', '+447700900123'],
  ])('reads %j as %s', (typed, e164) => {
    expect(ukMobileNumberSchema.parse(typed)).toBe(e164);
  });

  it('reads every mobile range in every common way of writing it', () => {
    fc.assert(
      fc.property(typedMobile, ({ national, typed }) => {
        expect(parseUkMobileNumber(typed)).toEqual({ ok: true, value: `+44${national}` });
      }),
    );
  });

  it('is idempotent: an E.164 number reads back as itself', () => {
    fc.assert(
      fc.property(typedMobile, ({ typed }) => {
        const once = ukMobileNumberSchema.parse(typed);
        expect(ukMobileNumberSchema.parse(once)).toBe(once);
        expect(e164UkMobileSchema.parse(once)).toBe(once);
      }),
    );
  });

  it.each([
    ['020 7946 0000', 'not-mobile'],
    ['0121 496 0000', 'not-mobile'],
    ['+44 20 7946 0000', 'not-mobile'],
    ['07000 123456', 'not-mobile'],
    ['07623 123456', 'not-mobile'],
    ['0800 123 4567', 'not-mobile'],
    ['+33 6 12 34 56 78', 'foreign'],
    ['001 202 555 0123', 'foreign'],
    ['0770 090 012', 'too-short'],
    ['077009001234', 'too-long'],
    ['07700 9OO123', 'not-allowed-character'],
    ['07700/900123', 'not-allowed-character'],
    ['0770+0900123', 'not-allowed-character'],
    ['   ', 'empty'],
    ['()-', 'empty'],
  ] satisfies [string, PhoneNumberProblem][])('refuses %j: %s', (typed, problem) => {
    expect(parseUkMobileNumber(typed)).toEqual({ ok: false, error: problem });
    const result = ukMobileNumberSchema.safeParse(typed);
    expect(result.error?.issues.map((i) => i.message)).toEqual([
      PHONE_NUMBER_PROBLEM_MESSAGES[problem],
    ]);
  });

  it('says what is wrong in words a person can act on', () => {
    expect(ukMobileNumberSchema.safeParse('+33 6 12 34 56 78').error?.issues[0]?.message).toMatch(
      /not a UK number.*UK mobile/,
    );
    expect(ukMobileNumberSchema.safeParse('020 7946 0000').error?.issues[0]?.message).toMatch(
      /not a UK mobile number.*071 to 075/,
    );
  });

  it('refuses hidden characters before reading the digits', () => {
    const result = ukMobileNumberSchema.safeParse('07700\u202e900123');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/\\u202e/);
  });

  it('never accepts anything but +44 and a mobile range, whatever is typed', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'0123456789 +()-.x'), maxLength: 20 }),
        (s) => {
          const result = parseUkMobileNumber(s);
          if (result.ok) expect(result.value).toMatch(/^\+447(?:[1-57-9]\d{8}|624\d{6})$/);
        },
      ),
    );
  });

  it('stores only E.164 mobile numbers', () => {
    expect(e164UkMobileSchema.safeParse('07700900123').success).toBe(false);
    expect(e164UkMobileSchema.safeParse('+442079460000').success).toBe(false);
    expect(e164UkMobileSchema.safeParse('+447700900123').success).toBe(true);
  });
});

describe('maskPhoneNumber', () => {
  it('shows the national form with the first two and last three digits', () => {
    expect(maskPhoneNumber('+447700900321')).toBe('07*** ***321');
    expect(maskPhoneNumber('07700 900321')).toBe('07*** ***321');
  });

  it('shows nothing of a value that is not a UK mobile number', () => {
    expect(maskPhoneNumber('+33612345678')).toBe('***** ******');
    expect(maskPhoneNumber('')).toBe('***** ******');
  });

  it('never reveals more than five digits, and keeps the last three', () => {
    fc.assert(
      fc.property(typedMobile, ({ national }) => {
        const masked = maskPhoneNumber(`+44${national}`);
        expect(masked.replace(/\D/g, '')).toHaveLength(5);
        expect(masked.endsWith(national.slice(-3))).toBe(true);
      }),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (s) => {
        expect(maskPhoneNumber(s).replace(/\D/g, '').length).toBeLessThanOrEqual(5);
      }),
    );
  });
});
