import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  legacyCandidates,
  legacyNormaliseAnswer,
  normaliseAnswer,
} from '../../../../server/domain/answer-form';

/** Any text: every code point, graphemes with combining marks, and the separators answers hold. */
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: 'grapheme-composite', maxLength: 20 }),
  fc.string({ unit: fc.constantFrom(..."aZ0 9.-,(')!?\t\u00a0\u3000ßẞΣςİ\u0301"), maxLength: 20 }),
);
/** What answers are made of in practice: lower-case letters and digits of several scripts. */
const word = fc.string({
  unit: fc.constantFrom(...'abcxyzé0123456789øσж日本नमस्ते'),
  minLength: 1,
  maxLength: 8,
});
/** What a holder may put between the parts of an answer: spaces and punctuation, never a letter. */
const separator = fc.string({
  unit: fc.constantFrom(...' -.,/()\'"!?:;_\t\u00a0\u2013'),
  maxLength: 3,
});

/** Joins the words with the separators, one between each and at either end. */
function typed(words: readonly string[], seps: readonly string[]): string {
  return words.reduce((text, w, i) => text + w + (seps[i + 1] ?? ''), seps[0] ?? '');
}

describe('normaliseAnswer (form 2)', () => {
  it.each([
    ['0121 496 0000', '01214960000'],
    ['0121-496-0000', '01214960000'],
    ['(0121) 496 0000.', '01214960000'],
    ['  FORD   focus. ', 'fordfocus'],
    ['Ｆｏｒｄ Ｆｏｃｕｓ', 'fordfocus'],
    ['Zoe\u0308', 'zoë'],
    ["O'Brien", 'obrien'],
    ['Straße', 'strasse'],
    ['STRAẞE', 'strasse'],
    ['ΟΔΟΣ', 'οδοσ'],
    ['e.\u0301', 'é'],
    ['£5 + 10%', '510'],
    ['नमस्ते', 'नमस्ते'],
    ['東京 タワー', '東京タワー'],
  ])('when given %j, then it compares as %j', (input, expected) => {
    expect(normaliseAnswer(input)).toBe(expected);
  });

  it('when applied twice, then it changes nothing more (idempotent)', () => {
    fc.assert(
      fc.property(anyText, (s) => normaliseAnswer(normaliseAnswer(s)) === normaliseAnswer(s)),
    );
  });

  it('when spaces and punctuation are added, moved or removed, then the form is the same', () => {
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 1, maxLength: 4 }),
        fc.array(separator, { maxLength: 5 }),
        fc.array(separator, { maxLength: 5 }),
        (words, a, b) => normaliseAnswer(typed(words, a)) === normaliseAnswer(typed(words, b)),
      ),
    );
  });

  it('when letters or digits of any script differ, then the forms differ', () => {
    fc.assert(
      fc.property(word, word, (a, b) => {
        fc.pre(a !== b);
        return normaliseAnswer(a) !== normaliseAnswer(b);
      }),
    );
  });

  it('when text is already lower-case letters and digits, then it is kept as it is', () => {
    fc.assert(fc.property(word, (w) => normaliseAnswer(w) === w.normalize('NFC')));
  });

  it('when an answer is in form 1, then its form 2 is the answer’s own (form 1 never loses a letter)', () => {
    fc.assert(
      fc.property(anyText, (s) => normaliseAnswer(legacyNormaliseAnswer(s)) === normaliseAnswer(s)),
    );
  });
});

describe('legacyNormaliseAnswer (form 1, as hashed before decision 0021)', () => {
  it.each([
    ['Ford Focus', 'ford focus'],
    ['  FORD   focus. ', 'ford focus'],
    ['Ford\tFocus!', 'ford focus'],
    ['(0121) 555-0123', '0121 5550123'],
    ['Ｆｏｒｄ Ｆｏｃｕｓ', 'ford focus'],
    ['Zoë', 'zoë'],
    ['Zoe\u0308', 'zoë'],
    ["O'Brien", 'obrien'],
    ['Straße', 'strasse'],
    ['STRASSE', 'strasse'],
    ['ΟΔΟΣ', 'οδος'],
    ['οδοσ', 'οδος'],
  ])('when given %j, then it compares as %j, as before', (input, expected) => {
    expect(legacyNormaliseAnswer(input)).toBe(expected);
  });
});

describe('legacyCandidates', () => {
  it.each([
    ['0121-496-0000', ['01214960000', '0121 496 0000']],
    ['0121 496 0000', ['01214960000', '0121 496 0000']],
    ['Rex', ['rex']],
    ['(0121) 496-0000', ['01214960000', '0121 4960000', '0121 496 0000']],
  ])('when given %j, then it tries %j', (input, expected) => {
    expect(legacyCandidates(input)).toEqual(expected);
  });

  it('when any candidate matches a form-1 hash, then the answers are equal in form 2 (nothing more is let in)', () => {
    fc.assert(
      fc.property(anyText, (s) =>
        // A match means the candidate is some registration's form 1, whose form 2 it shares.
        legacyCandidates(s).every((c) => normaliseAnswer(c) === normaliseAnswer(s)),
      ),
    );
  });

  it('when there are at most three, then a form-1 hash costs at most three verifications', () => {
    fc.assert(fc.property(anyText, (s) => legacyCandidates(s).length <= 3));
  });
});
