/**
 * Every limit and format a holder meets, written once. The server's policy bounds and defaults,
 * the HTTP and IPC schemas, the code generator and the screens' checks and hints all read them
 * from here, so a screen can never say a number the server does not enforce.
 */

/** The longest security answer, in characters, after trimming. */
export const ANSWER_MAX_LENGTH = 200;

/**
 * Security questions asked at unlock and chosen at registration: the bounds of the server's
 * `security.answers.questionsRequired` setting, and the seed's two as its default.
 */
export const QUESTIONS_REQUIRED = { min: 1, max: 5, default: 2 } as const;

/** How many questions the registration catalogue may offer. */
export const QUESTION_CATALOGUE_SIZE = { min: 2, max: 50 } as const;

/** A question's stable identifier. */
export const QUESTION_ID_MAX_LENGTH = 64;
/** A question's text as shown. */
export const QUESTION_TEXT_MAX_LENGTH = 300;

/** A holder's name as the issuing system gives it. */
export const HOLDER_NAME_MAX_LENGTH = 200;

/** An email address (RFC 5321's limit), masked or not. */
export const EMAIL_MAX_LENGTH = 320;

/**
 * The symbols of a Smartcard Unlock Code: upper-case letters and digits without the look-alikes
 * 0/O and 1/I, so 32 symbols of 5 bits each.
 */
export const CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/**
 * Characters in a Smartcard Unlock Code: the bounds of the server's `security.code.length`
 * setting and the brief's default (8, so 40 bits). The server tells the screen the length it uses.
 */
export const CODE_LENGTH = { min: 8, max: 12, default: 8 } as const;

const UNLOCK_CODE_FORMAT = new RegExp(`^[A-Z0-9]{${CODE_LENGTH.min},${CODE_LENGTH.max}}$`);

/**
 * A Smartcard Unlock Code as typed, as the server wants it: spaces and hyphens dropped, upper case,
 * any length the server may use; undefined when it cannot be one (the HTTP schema and screen agree).
 */
export function normaliseUnlockCode(typed: string): string | undefined {
  const code = typed.replace(/[\s-]/g, '').toUpperCase();
  return UNLOCK_CODE_FORMAT.test(code) ? code : undefined;
}

/**
 * The symbols of an assisted unlock's reference (read aloud to the service desk): digits and
 * upper-case letters without 0/O and 1/I/L, so 31 symbols; six of them make about 29.7 bits.
 */
export const REFERENCE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** Symbols in a reference, shown as two groups of three (`4KF-92Q`). */
export const REFERENCE_LENGTH = 6;

/** A PUK in transit (PIV pads it to 8 bytes), and the length of the fresh ones the server makes. */
export const PUK_LENGTH = { min: 6, max: 8, default: 8 } as const;
