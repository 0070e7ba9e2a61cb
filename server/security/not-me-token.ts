import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { NotMeClaim } from '../domain/security-ports';

/** The HKDF label of the links' key: a key of its own, never the code hasher's. */
const KEY_LABEL = 'smartcard-unlock/not-me-link/v1';

/** Bytes of HMAC-SHA-256 kept: 128 bits, so the link stays short enough for a text message. */
const MAC_BYTES = 16;

/** `cardId.attemptId.unlockedAt(seconds, base 36).mac`: every part URL-safe, none holding a dot. */
const TOKEN_PATTERN =
  /^([0-9a-f]{32})\.([A-Za-z0-9_-]{16,64})\.([0-9a-z]{1,9})\.([A-Za-z0-9_-]{22})$/;

/**
 * Signs and reads the tokens of the unlock notice's "This wasn't me" links (docs/security-model.md,
 * "This wasn't me"): HMAC-SHA-256 under a key derived from the pepper with a label of its own.
 */
export class NotMeTokens {
  readonly #key: Buffer;

  constructor(pepperBase64: string) {
    this.#key = Buffer.from(
      hkdfSync('sha256', Buffer.from(pepperBase64, 'base64'), Buffer.alloc(0), KEY_LABEL, 32),
    );
  }

  /** The token naming this card's unlock; whole seconds, as the token carries them. */
  issue(claim: NotMeClaim): string {
    const seconds = Math.floor(claim.unlockedAt.getTime() / 1000).toString(36);
    const signed = `${claim.cardId}.${claim.attemptId}.${seconds}`;
    return `${signed}.${this.#mac(signed).toString('base64url')}`;
  }

  /** What a token names, or undefined when it is malformed or its signature does not match. */
  read(token: string): NotMeClaim | undefined {
    const parts = TOKEN_PATTERN.exec(token);
    if (parts === null) return undefined;
    const [, cardId = '', attemptId = '', seconds = '', mac = ''] = parts;
    // Compared as text, so no other spelling of the same bytes passes.
    const given = Buffer.from(mac);
    const expected = Buffer.from(
      this.#mac(`${cardId}.${attemptId}.${seconds}`).toString('base64url'),
    );
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    return { cardId, attemptId, unlockedAt: new Date(parseInt(seconds, 36) * 1000) };
  }

  #mac(signed: string): Buffer {
    return createHmac('sha256', this.#key)
      .update(`smartcard-unlock/not-me/v1\n${signed}`)
      .digest()
      .subarray(0, MAC_BYTES);
  }
}
