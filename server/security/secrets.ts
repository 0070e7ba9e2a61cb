import { createHmac, hkdfSync, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { CODE_ALPHABET } from '../../src/shared/limits';

/** A random identifier or nonce: `bytes` from the CSPRNG, base64url. */
export function randomToken(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

/** A one-time Smartcard Unlock Code: `length` symbols of CODE_ALPHABET, uniformly from the CSPRNG. */
export function generateCode(length: number): string {
  let code = '';
  for (let i = 0; i < length; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/** A fresh PUK of `length` decimal digits from the CSPRNG. */
export function generatePuk(length: number): string {
  let puk = '';
  for (let i = 0; i < length; i++) puk += String(randomInt(10));
  return puk;
}

/**
 * Hashes one-time codes with HMAC-SHA-256 under a key derived from the pepper, bound to the
 * attempt, so a database reader learns nothing and a code from one attempt is useless in another.
 * (A slow hash buys nothing here: a code lives ten minutes and allows five tries.)
 */
export class CodeHasher {
  readonly #key: Buffer;

  constructor(pepperBase64: string) {
    this.#key = Buffer.from(
      hkdfSync(
        'sha256',
        Buffer.from(pepperBase64, 'base64'),
        Buffer.alloc(0),
        'smartcard-unlock/code/v1',
        32,
      ),
    );
  }

  /** The stored form of a code for this attempt. */
  hash(attemptId: string, code: string): string {
    return createHmac('sha256', this.#key).update(`${attemptId}\n${code}`).digest('base64url');
  }

  /** Constant-time comparison of a typed code against the stored hash. */
  matches(attemptId: string, code: string, stored: string): boolean {
    const a = Buffer.from(this.hash(attemptId, code));
    const b = Buffer.from(stored);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}
