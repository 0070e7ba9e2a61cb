import { z } from 'zod';
import { withoutHiddenCharacters } from './hidden-characters';
import { err, ok, type Result } from './result';

/**
 * UK mobile numbers, the only numbers a code is texted to: read from what people type or an
 * issuing system exports, kept in E.164 (`+447700900123`), shown masked (`07*** ***123`).
 */

/** Why a typed value is not a UK mobile number. */
export type PhoneNumberProblem =
  'empty' | 'not-allowed-character' | 'foreign' | 'too-short' | 'too-long' | 'not-mobile';

/** Each problem as a fragment after the field's name, like the import file's other messages. */
export const PHONE_NUMBER_PROBLEM_MESSAGES: Readonly<Record<PhoneNumberProblem, string>> = {
  empty: 'is empty.',
  'not-allowed-character':
    'may contain only digits, spaces, brackets, dots, hyphens and a + at the start.',
  foreign:
    'is not a UK number: codes are texted only to UK mobile numbers (07…, or +44 7… from abroad).',
  'too-short': 'has too few digits for a UK mobile number (07 and 9 more digits).',
  'too-long': 'has too many digits for a UK mobile number (07 and 9 more digits).',
  'not-mobile':
    'is not a UK mobile number: mobile numbers start with 071 to 075, 077 to 079, or 07624.',
};

/**
 * The ten digits after +44 of a mobile number in Ofcom's numbering plan: 071–075 and 077–079, and
 * 07624 (Isle of Man mobiles). Refused: 070 (personal numbers that forward anywhere) and the rest
 * of 076 (pagers), which cannot be relied on to receive a text.
 */
const MOBILE_NATIONAL = /^7(?:[1-57-9]\d{8}|624\d{6})$/;

/** A stored or transmitted number: E.164 and a mobile range, nothing else. */
export const e164UkMobileSchema = z
  .string()
  .regex(/^\+44\d{10}$/, 'is not in E.164 form (+447700900123).')
  .refine((n) => MOBILE_NATIONAL.test(n.slice(3)), PHONE_NUMBER_PROBLEM_MESSAGES['not-mobile']);

// Separators people type or spreadsheets add; a + is allowed only in front.
const TYPED = /^\+?[\d\s().-]*$/;

/** The ten digits after +44, from the digits typed; undefined when the number is foreign. */
function nationalDigits(plus: boolean, digits: string): string | undefined {
  let rest: string;
  if (plus) {
    if (!digits.startsWith('44')) return undefined;
    rest = digits.slice(2);
  } else if (digits.startsWith('00')) {
    if (!digits.startsWith('0044')) return undefined;
    rest = digits.slice(4);
  } else if (digits.startsWith('0')) {
    return digits.slice(1);
  } else if (digits.startsWith('44') && digits.length >= 12) {
    rest = digits.slice(2);
  } else {
    // A leading zero lost by a spreadsheet (7700900123): read as the national number.
    return digits;
  }
  // "+44 (0)7700 900123": the trunk 0 written after the country code.
  return rest.startsWith('0') ? rest.slice(1) : rest;
}

/** What a person typed (07700 900123, +44 7700 900123, 0044 7700-900123…) as E.164, or why not. */
export function parseUkMobileNumber(typed: string): Result<string, PhoneNumberProblem> {
  const text = typed.trim();
  if (text === '') return err('empty');
  if (!TYPED.test(text)) return err('not-allowed-character');
  const digits = text.replace(/\D/g, '');
  if (digits === '') return err('empty');
  const national = nationalDigits(text.startsWith('+'), digits);
  if (national === undefined) return err('foreign');
  // The range first: a landline of any length is better told it is not a mobile.
  if (national !== '' && !national.startsWith('7')) return err('not-mobile');
  if (national.length < 10) return err('too-short');
  if (national.length > 10) return err('too-long');
  if (!MOBILE_NATIONAL.test(national)) return err('not-mobile');
  return ok(`+44${national}`);
}

/** A UK mobile number as typed or imported, normalised to E.164; a clear message when refused. */
export const ukMobileNumberSchema = withoutHiddenCharacters.transform((typed, ctx) => {
  const parsed = parseUkMobileNumber(typed);
  if (parsed.ok) return parsed.value;
  ctx.addIssue({ code: 'custom', message: PHONE_NUMBER_PROBLEM_MESSAGES[parsed.error] });
  return z.NEVER;
});

/**
 * A number shown without giving it away, in national form with the first two and last three
 * digits visible (`+447700900321` → `07*** ***321`); nothing visible if it is not a UK mobile.
 */
export function maskPhoneNumber(number: string): string {
  const parsed = parseUkMobileNumber(number);
  if (!parsed.ok) return '***** ******';
  return `07*** ***${parsed.value.slice(-3)}`;
}
