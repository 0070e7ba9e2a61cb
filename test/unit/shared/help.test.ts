import { describe, expect, it } from 'vitest';
import { ERROR_CODES, appError, nextStepFor, type ErrorCode } from '../../../src/shared/errors';
import { DEMO_HELP_CONTACTS, helpWording, type HelpContacts } from '../../../src/shared/help';
import { helpContactsSchema } from '../../../src/shared/help-schema';
import { wording } from '../../../src/shared/wording';

const trust: HelpContacts = {
  phone: '0121 496 0000',
  walkIn: 'the IT service desk at the main entrance of Example Hospital',
};

/** The codes whose next step names the desk. */
const deskCodes = ERROR_CODES.filter(
  (code): code is ErrorCode => typeof wording().errors[code].nextStep === 'function',
);

describe('help contacts', () => {
  it("when worded with the demo's contacts, then the sentence is the service description's own", () => {
    expect(helpWording(DEMO_HELP_CONTACTS).sentence).toBe(
      'If you require additional help with the smartcard please let us know on x4050 or by visiting the IT walk in centres at City or Sandwell site.',
    );
    expect(appError('SELF_SERVICE_LOCKED').nextStep).toBe(
      'Call the IT service desk on x4050 or visit the IT walk in centres at City or Sandwell site. They will check who you are and unlock your Smartcard.',
    );
  });

  it("when a trust's contacts are given, then every next step that names the desk names theirs and not the demo's", () => {
    expect(deskCodes.length).toBeGreaterThan(10);
    for (const code of deskCodes) {
      const { nextStep } = appError(code, undefined, trust);
      expect(nextStep, code).toContain(trust.phone);
      expect(nextStep, code).not.toContain('x4050');
      expect(nextStep, code).not.toContain('Sandwell');
    }
    expect(appError('PROOF_INVALID', undefined, trust).nextStep).toBe(
      `Call the IT service desk on ${trust.phone} or visit ${trust.walkIn}.`,
    );
  });

  it('when the contacts are not known, then the desk is named without a number rather than guessed', () => {
    const wording = helpWording(null);
    expect(wording.sentence).toBe(
      'If you require additional help with the smartcard please contact the IT service desk.',
    );
    expect(appError('SETTINGS_INVALID', undefined, null).nextStep).toBe(
      'Call the IT service desk and read out the setting named on this screen.',
    );
    for (const code of deskCodes) {
      expect(appError(code, undefined, null).nextStep, code).not.toContain('x4050');
    }
  });

  it("when a screen shows an error the main process worded with the demo's desk, then it names its own", () => {
    const worded = appError('INTERNAL');
    expect(nextStepFor(worded, trust)).toBe(
      `Close Smartcard Unlock and open it again. If it keeps happening, call ${trust.phone}.`,
    );
    // Text of its own (the browser bridge's "connection lost") is kept as it came.
    const own = { ...worded, nextStep: 'Reload the page.' };
    expect(nextStepFor(own, trust)).toBe('Reload the page.');
    // A next step that names no desk is the same whoever shows it.
    expect(nextStepFor(appError('CODE_EXPIRED'), trust)).toBe(appError('CODE_EXPIRED').nextStep);
  });

  it.each([
    ['phone', '', 'too_small', ''],
    ['phone', 'x'.repeat(41), 'too_big', ''],
    ['phone', 'x4050\u202e', 'custom', 'contains the character \\u202e'],
    ['walkIn', 'the IT office.', 'custom', 'must not end with a full stop'],
    ['walkIn', 'the IT\noffice', 'custom', 'contains the character \\x0a'],
    ['walkIn', 'w'.repeat(201), 'too_big', ''],
  ] as const)(
    'when %s is %j, then it is refused, naming it (%s)',
    (field, value, code, message) => {
      const parsed = helpContactsSchema.safeParse({ ...trust, [field]: value });
      expect(parsed.error?.issues[0]).toMatchObject({
        path: [field],
        code,
        message: expect.stringContaining(message),
      });
    },
  );

  it('trims the contacts, so a stray space does not reach a sentence', () => {
    expect(helpContactsSchema.parse({ phone: ' x4050 ', walkIn: trust.walkIn }).phone).toBe(
      'x4050',
    );
  });
});
