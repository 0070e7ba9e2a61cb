import { err, ok } from '../../shared/result';
import type { CardError, CardErrorCode, CardResult } from './types';

/**
 * Status words of the card profile and what they mean. The same `63 Cx` or `69 83` means the
 * passcode on VERIFY but the PUK on RESET RETRY COUNTER, so mapping takes the reference the
 * command used.
 */

/** Which secret a command checks, for the meaning of `63 Cx` and `69 83`. */
export type SecretReference = 'passcode' | 'puk' | 'none';

/** Named status words of the profile. */
export const SW = {
  OK: 0x9000,
  WRONG_LENGTH: 0x6700,
  SECURITY_STATUS: 0x6982,
  BLOCKED: 0x6983,
  CONDITIONS: 0x6985,
  WRONG_DATA: 0x6a80,
  FUNCTION_NOT_SUPPORTED: 0x6a81,
  NOT_FOUND: 0x6a82,
  INCORRECT_P1P2: 0x6a86,
  REFERENCE_NOT_FOUND: 0x6a88,
  WRONG_P1P2: 0x6b00,
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
  NO_PRECISE_DIAGNOSIS: 0x6f00,
} as const;

/** `63 Cx`: verification failed, x tries left. */
export const triesLeftSw = (tries: number): number => 0x63c0 | Math.min(tries, 15);

/** What a status word means: the error code, and a short technical phrase for logs. */
interface Meaning {
  readonly code: CardErrorCode;
  readonly detail: string;
}

const FIXED: ReadonlyMap<number, Meaning> = new Map([
  [SW.WRONG_LENGTH, { code: 'io', detail: 'wrong length (67 00)' }],
  [SW.SECURITY_STATUS, { code: 'security-status', detail: 'security status not satisfied' }],
  [SW.CONDITIONS, { code: 'security-status', detail: 'conditions of use not satisfied' }],
  [SW.WRONG_DATA, { code: 'wrong-data', detail: 'incorrect data in the command' }],
  [SW.FUNCTION_NOT_SUPPORTED, { code: 'unsupported', detail: 'function not supported' }],
  [SW.NOT_FOUND, { code: 'not-found', detail: 'data object or application not found' }],
  [SW.INCORRECT_P1P2, { code: 'unsupported', detail: 'incorrect P1 or P2' }],
  [SW.REFERENCE_NOT_FOUND, { code: 'not-found', detail: 'key or reference data not found' }],
  [SW.WRONG_P1P2, { code: 'unsupported', detail: 'wrong P1 or P2' }],
  [SW.INS_NOT_SUPPORTED, { code: 'unsupported', detail: 'instruction not supported' }],
  [SW.CLA_NOT_SUPPORTED, { code: 'unsupported', detail: 'class not supported' }],
]);

const hexSw = (sw: number): string => sw.toString(16).padStart(4, '0').toUpperCase();

/**
 * Maps a status word to success or a typed CardError. `63 C0` means the last try was just
 * spent, so it reports the reference as blocked with no tries left.
 */
export function checkStatus(sw: number, reference: SecretReference = 'none'): CardResult<void> {
  if (sw === SW.OK) return ok(undefined);
  const statusWord = sw;
  const sw1 = sw >> 8;
  if ((sw & 0xfff0) === 0x63c0 || sw === SW.BLOCKED) {
    const triesLeft = sw === SW.BLOCKED ? 0 : sw & 0x0f;
    const blocked = triesLeft === 0;
    if (reference === 'none') {
      return err({ code: 'io', statusWord, detail: `verification status ${hexSw(sw)} unexpected` });
    }
    const code: CardErrorCode =
      reference === 'passcode'
        ? blocked
          ? 'passcode-blocked'
          : 'passcode-wrong'
        : blocked
          ? 'puk-blocked'
          : 'puk-wrong';
    return err({ code, triesLeft, statusWord });
  }
  const fixed = FIXED.get(sw);
  if (fixed) return err({ ...fixed, statusWord });
  if (sw1 === 0x61) {
    return err({ code: 'io', statusWord, detail: `${sw & 0xff || 256} more bytes not collected` });
  }
  if (sw1 === 0x6c)
    return err({ code: 'io', statusWord, detail: `wrong Le, card asks ${sw & 0xff}` });
  return err({ code: 'io', statusWord, detail: `card answered ${hexSw(sw)}` });
}

/** The CardError for a status word that is known not to be 9000. */
export function statusError(sw: number, reference: SecretReference = 'none'): CardError {
  const result = checkStatus(sw, reference);
  return result.ok ? { code: 'io', statusWord: sw, detail: 'unexpected success' } : result.error;
}
