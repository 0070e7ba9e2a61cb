import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  PASSCODE_POLICIES,
  confirmationProblems,
  passcodeProblemMessage,
  passcodeProblems,
} from '../../../src/shared/passcode-policy';
import { passcodeSchema } from '../../../src/shared/passcode-policy-schema';

const printable = PASSCODE_POLICIES['printable-4-8'];
const digits = PASSCODE_POLICIES['digits-6-8'];

describe('passcode policy: printable ASCII, 4 to 8 characters (the default)', () => {
  it.each(['abcd', 'Ab1!', 'P@ssw0rd', '1234', '~!@#$%^&'])('accepts %j', (passcode) => {
    expect(passcodeProblems(passcode, printable)).toEqual([]);
  });

  it('when the passcode is empty, then it asks for one', () => {
    expect(passcodeProblems('', printable)).toEqual(['empty']);
  });

  it('when it has 3 characters, then it is too short', () => {
    expect(passcodeProblems('abc', printable)).toEqual(['too-short']);
  });

  it('when it has 9 characters, then it is too long', () => {
    expect(passcodeProblems('abcdefghi', printable)).toEqual(['too-long']);
  });

  it.each(['café1', 'pass word', 'tab\tchar', '£1234'])(
    'when it has a character outside printable ASCII (%j), then it is refused',
    (p) => {
      expect(passcodeProblems(p, printable)).toContain('not-allowed-character');
    },
  );

  it('when an emoji is typed, then length counts it as one character', () => {
    expect(passcodeProblems('ab😀', printable)).toEqual(['not-allowed-character', 'too-short']);
  });

  it('accepts every string of 4 to 8 printable non-space ASCII characters, and nothing longer', () => {
    const char = fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c));
    fc.assert(
      fc.property(fc.array(char, { minLength: 4, maxLength: 8 }), (chars) => {
        expect(passcodeProblems(chars.join(''), printable)).toEqual([]);
      }),
    );
    fc.assert(
      fc.property(fc.array(char, { minLength: 9, maxLength: 20 }), (chars) => {
        expect(passcodeProblems(chars.join(''), printable)).toEqual(['too-long']);
      }),
    );
  });
});

describe('passcode policy: 6 to 8 digits (a setting)', () => {
  it('accepts 6 to 8 digits', () => {
    expect(passcodeProblems('123456', digits)).toEqual([]);
    expect(passcodeProblems('12345678', digits)).toEqual([]);
  });

  it('when a letter is typed, then it says digits only', () => {
    expect(passcodeProblems('12345a', digits)).toEqual(['digits-only']);
  });

  it('when it has 5 digits, then it is too short', () => {
    expect(passcodeProblems('12345', digits)).toEqual(['too-short']);
  });
});

describe('confirmation', () => {
  it('when both boxes match, then there is no problem', () => {
    expect(confirmationProblems('abcd', 'abcd')).toEqual([]);
  });
  it('when the second box differs, then it is a mismatch', () => {
    expect(confirmationProblems('abcd', 'abce')).toEqual(['mismatch']);
  });
  it('when the second box is empty, then it asks for it', () => {
    expect(confirmationProblems('abcd', '')).toEqual(['confirmation-empty']);
  });
});

describe('messages and schema', () => {
  it('names the limits of the policy in its messages', () => {
    expect(passcodeProblemMessage('too-short', printable)).toContain('4');
    expect(passcodeProblemMessage('too-long', printable)).toContain('8');
    expect(passcodeProblemMessage('too-short', digits)).toContain('6');
  });

  it('the zod schema refuses what the policy refuses, with the policy message', () => {
    const schema = passcodeSchema(printable);
    expect(schema.safeParse('abcd').success).toBe(true);
    const result = schema.safeParse('ab');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe(passcodeProblemMessage('too-short', printable));
  });
});
