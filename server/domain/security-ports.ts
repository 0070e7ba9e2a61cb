import type { SealedSecret } from './repository-ports';

/** The clock every step reads; tests pass one they move by hand. */
export type Clock = () => Date;

/** Slow, peppered hashes of registered answers (Argon2id in server/security). */
export interface AnswerHashing {
  /** A hash of the answer in today's form (docs/decisions/0021-answer-form.md). */
  hash(answer: string): Promise<string>;
  /** Whether the answer matches the stored hash, in whichever form that was made. */
  verify(stored: string, answer: string): Promise<boolean>;
  /** Whether the stored hash is of an older form, to be hashed again once its answer is right. */
  isOutdated(stored: string): boolean;
}

/** Keyed hashes of one-time codes, bound to their attempt. */
export interface CodeHashing {
  hash(attemptId: string, code: string): string;
  matches(attemptId: string, code: string, stored: string): boolean;
}

/** Keyed hashes of assisted unlock references: the desk's lookup key (ADR 0025). */
export interface ReferenceHashing {
  hash(reference: string): string;
}

/** Seals and opens PUKs under the key-encryption keys (server/security/key-ring.ts). */
export interface SecretSealer {
  has(keyId: string): boolean;
  seal(cardId: string, secret: string, keyId?: string): SealedSecret;
  open(cardId: string, sealed: SealedSecret): string;
}

/** What a "This wasn't me" link names: the card and its unlock (the attempt, and when). */
export interface NotMeClaim {
  readonly cardId: string;
  readonly attemptId: string;
  readonly unlockedAt: Date;
}

/** Signs and reads the unlock notice's link tokens (server/security/not-me-token.ts). */
export interface NotMeTokenSigning {
  issue(claim: NotMeClaim): string;
  /** Undefined for a malformed token or one whose signature does not match. */
  read(token: string): NotMeClaim | undefined;
}
