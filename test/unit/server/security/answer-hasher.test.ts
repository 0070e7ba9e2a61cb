import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SECURITY_POLICY } from '../../../../server/domain/policy';
import { normaliseAnswer } from '../../../../server/domain/answer-form';
import { AnswerHasher } from '../../../../server/security/answer-hasher';

const pepper = () => randomBytes(32).toString('base64');
const cheap = { memoryKiB: 8192, passes: 1, parallelism: 1 };

describe('normaliseAnswer', () => {
  it.each([
    ['Ford Focus', 'ford focus'],
    ['  FORD   focus. ', 'ford focus'],
    ['Ford\tFocus!', 'ford focus'],
    ['(0121) 555-0123', '0121 5550123'],
    ['Ｆｏｒｄ Ｆｏｃｕｓ', 'ford focus'],
    ['Zoë', 'zoë'],
    ['Zoe\u0308', 'zoë'],
    ["O'Brien", 'obrien'],
    ['Straße', 'strasse'],
    ['STRASSE', 'strasse'],
    ['ΟΔΟΣ', 'οδος'],
    ['οδοσ', 'οδος'],
  ])('when given %j, then it compares as %j', (input, expected) => {
    expect(normaliseAnswer(input)).toBe(expected);
  });
});

describe('AnswerHasher', () => {
  it('when an answer is hashed, then the hash is argon2id at the policy cost and does not contain the answer', async () => {
    const hasher = new AnswerHasher(pepper(), cheap);
    const stored = await hasher.hash('Ford Focus');
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=8192,t=1,p=1\$/);
    expect(stored.toLowerCase()).not.toContain('ford');
  });

  it('when the same answer is typed differently, then it verifies; a different answer does not', async () => {
    const hasher = new AnswerHasher(pepper(), cheap);
    const stored = await hasher.hash('Ford Focus');
    expect(await hasher.verify(stored, ' ford  FOCUS. ')).toBe(true);
    expect(await hasher.verify(stored, 'Ford Fiesta')).toBe(false);
  });

  it('when the pepper differs, then a stored hash no longer verifies', async () => {
    const stored = await new AnswerHasher(pepper(), cheap).hash('Rex');
    expect(await new AnswerHasher(pepper(), cheap).verify(stored, 'Rex')).toBe(false);
  });

  it('when the stored hash is garbage, then verification fails instead of throwing', async () => {
    expect(await new AnswerHasher(pepper(), cheap).verify('not a hash', 'Rex')).toBe(false);
  });

  it('when the default policy is used, then hashes use 19 MiB and 2 passes and still verify', async () => {
    const hasher = new AnswerHasher(pepper(), DEFAULT_SECURITY_POLICY.answers.argon2);
    const stored = await hasher.hash('Holy Cross');
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await hasher.verify(stored, 'holy cross')).toBe(true);
  });
});
