import { type Algorithm, hash, verify } from '@node-rs/argon2';
import { normaliseAnswer } from '../domain/answer-form';
import type { SecurityPolicy } from '../domain/policy';

/** @node-rs/argon2's Argon2id (its enum is const, which isolated modules cannot import). */
const ARGON2ID = 2 as Algorithm;

/**
 * Hashes and checks security answers with argon2id at the policy's cost, keyed with the server's
 * pepper (argon2's secret input), so a stolen database alone cannot be brute-forced.
 */
export class AnswerHasher {
  readonly #pepper: Buffer;
  readonly #cost: SecurityPolicy['answers']['argon2'];

  constructor(pepperBase64: string, cost: SecurityPolicy['answers']['argon2']) {
    this.#pepper = Buffer.from(pepperBase64, 'base64');
    this.#cost = cost;
  }

  /** A PHC string for the normalised answer. */
  hash(answer: string): Promise<string> {
    return hash(normaliseAnswer(answer), {
      algorithm: ARGON2ID,
      memoryCost: this.#cost.memoryKiB,
      timeCost: this.#cost.passes,
      parallelism: this.#cost.parallelism,
      secret: this.#pepper,
    });
  }

  /** True when the answer, normalised, matches the stored hash. */
  async verify(stored: string, answer: string): Promise<boolean> {
    try {
      return await verify(stored, normaliseAnswer(answer), { secret: this.#pepper });
    } catch {
      return false;
    }
  }
}
