import { createHmac, hkdfSync, randomInt } from 'node:crypto';
import { REFERENCE_ALPHABET, REFERENCE_LENGTH } from '../../src/shared/limits';

/** The HKDF label of the references' key: a key of its own, never the code hasher's. */
const KEY_LABEL = 'smartcard-unlock/assisted-reference/v1';

/** A reference in the form it is shown and read aloud: two groups of three, `4KF-92Q`. */
const shown = (symbols: string): string =>
  `${symbols.slice(0, REFERENCE_LENGTH / 2)}-${symbols.slice(REFERENCE_LENGTH / 2)}`;

/** A fresh reference: symbols of REFERENCE_ALPHABET, uniformly from the CSPRNG, shown `4KF-92Q`. */
export function generateReference(): string {
  let symbols = '';
  for (let i = 0; i < REFERENCE_LENGTH; i++) {
    symbols += REFERENCE_ALPHABET[randomInt(REFERENCE_ALPHABET.length)];
  }
  return shown(symbols);
}

/**
 * A reference as someone typed it, in its shown form: any case, spaces and hyphens anywhere;
 * undefined when it is not six symbols of the alphabet (a 0, an O, a 1, an I or an L never is).
 */
export function normaliseReference(typed: string): string | undefined {
  const symbols = typed.replace(/[\s-]/g, '').toUpperCase();
  if (symbols.length !== REFERENCE_LENGTH) return undefined;
  return [...symbols].every((s) => REFERENCE_ALPHABET.includes(s)) ? shown(symbols) : undefined;
}

/**
 * Hashes references with HMAC-SHA-256 under a key derived from the pepper, so the database holds
 * no reference and the desk's lookup is one indexed read of the hash.
 */
export class ReferenceHasher {
  readonly #key: Buffer;

  constructor(pepperBase64: string) {
    this.#key = Buffer.from(
      hkdfSync('sha256', Buffer.from(pepperBase64, 'base64'), Buffer.alloc(0), KEY_LABEL, 32),
    );
  }

  /** The stored form of a reference in its shown form. */
  hash(reference: string): string {
    return createHmac('sha256', this.#key).update(reference).digest('base64url');
  }
}
