import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkStatus, statusError } from '../../../../src/main/card/status-words';

/** Property tests run many cases: room for them on a loaded two-core machine. */
const PROPERTY_TESTS = { timeout: 30_000 };

describe('status words', PROPERTY_TESTS, () => {
  it('9000 is success', () => {
    expect(checkStatus(0x9000, 'passcode')).toEqual({ ok: true, value: undefined });
  });

  it('63 C2 on a passcode command is a wrong passcode with two tries left', () => {
    expect(statusError(0x63c2, 'passcode')).toEqual({
      code: 'passcode-wrong',
      triesLeft: 2,
      statusWord: 0x63c2,
    });
  });

  it('63 C1 on a PUK command is a wrong PUK with one try left', () => {
    expect(statusError(0x63c1, 'puk')).toMatchObject({ code: 'puk-wrong', triesLeft: 1 });
  });

  it('63 C0 means the last try was spent: the reference is now blocked', () => {
    expect(statusError(0x63c0, 'passcode')).toMatchObject({
      code: 'passcode-blocked',
      triesLeft: 0,
    });
    expect(statusError(0x63c0, 'puk')).toMatchObject({ code: 'puk-blocked', triesLeft: 0 });
  });

  it('69 83 is blocked, for the passcode or the PUK as the command says', () => {
    expect(statusError(0x6983, 'passcode')).toMatchObject({
      code: 'passcode-blocked',
      triesLeft: 0,
    });
    expect(statusError(0x6983, 'puk')).toMatchObject({ code: 'puk-blocked', triesLeft: 0 });
  });

  it.each([
    [0x6982, 'security-status'],
    [0x6a82, 'not-found'],
    [0x6a80, 'wrong-data'],
    [0x6a81, 'unsupported'],
    [0x6d00, 'unsupported'],
    [0x6e00, 'unsupported'],
    [0x6700, 'io'],
    [0x6110, 'io'],
    [0x6c08, 'io'],
    [0x6f00, 'io'],
  ])('%s maps to %s and keeps the status word for diagnostics', (sw, code) => {
    expect(statusError(sw)).toMatchObject({ code, statusWord: sw });
  });

  it('a tries-left status word on a command without a secret is an unexpected answer, not a passcode error', () => {
    expect(statusError(0x63c2, 'none').code).toBe('io');
  });

  it('every status word maps to a typed result without throwing', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffff }),
        fc.constantFrom('passcode' as const, 'puk' as const, 'none' as const),
        (sw, reference) => {
          const result = checkStatus(sw, reference);
          expect(result.ok).toBe(sw === 0x9000);
        },
      ),
    );
  });
});
