import { type Algorithm, hash, verify } from '@node-rs/argon2';
import { legacyCandidates, normaliseAnswer } from '../domain/answer-form';
import type { SecurityPolicy } from '../domain/policy';

/** @node-rs/argon2's Argon2id (its enum is const, which isolated modules cannot import). */
const ARGON2ID = 2 as Algorithm;

/**
 * Marks a hash of the answer's form 2 (docs/decisions/0021-answer-form.md). A PHC string starts
 * with `$`, so a hash stored before the marker (form 1) can never look marked.
 */
const FORM_2 = 'form2:';

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

  /** The marked PHC string of the answer in today's form. */
  async hash(answer: string): Promise<string> {
    const phc = await hash(normaliseAnswer(answer), {
      algorithm: ARGON2ID,
      memoryCost: this.#cost.memoryKiB,
      timeCost: this.#cost.passes,
      parallelism: this.#cost.parallelism,
      secret: this.#pepper,
    });
    return FORM_2 + phc;
  }

  /**
   * True when the answer matches the stored hash in the hash's form. A form-1 hash is checked
   * against each of the answer's candidates (at most three), all of them, right or wrong.
   */
  async verify(stored: string, answer: string): Promise<boolean> {
    if (stored.startsWith(FORM_2)) {
      return this.#matches(stored.slice(FORM_2.length), normaliseAnswer(answer));
    }
    const checks = await Promise.all(legacyCandidates(answer).map((c) => this.#matches(stored, c)));
    return checks.includes(true);
  }

  /** Whether the stored hash is of form 1, to be hashed again once its answer is given right. */
  isOutdated(stored: string): boolean {
    return !stored.startsWith(FORM_2);
  }

  async #matches(phc: string, text: string): Promise<boolean> {
    try {
      return await verify(phc, text, { secret: this.#pepper });
    } catch {
      return false;
    }
  }
}
