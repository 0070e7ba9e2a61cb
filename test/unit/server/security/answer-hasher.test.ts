import * as argon2 from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SECURITY_POLICY } from '../../../../server/domain/policy';
import { AnswerHasher } from '../../../../server/security/answer-hasher';

// Passes every call through, so the tests can count argon2 verifications.
vi.mock('@node-rs/argon2', async (original) => {
  const real = await original<typeof argon2>();
  return { ...real, verify: vi.fn(real.verify) };
});

const pepper = () => randomBytes(32).toString('base64');
const cheap = { memoryKiB: 8192, passes: 1, parallelism: 1 };

/**
 * Hashes made by the code before decision 0021 (form 1, no marker), with this pepper and `cheap`:
 * what a database holds for holders registered then.
 */
const FORM_1 = {
  pepper: Buffer.alloc(32, 7).toString('base64'),
  phone: {
    registered: '0121 496 0000',
    hash: '$argon2id$v=19$m=8192,t=1,p=1$yjKorBsvOySbQ03qOMNiEQ$erGvhp7Z1ItcyW1pvrfL39BMb0w08rVHDF/VJUHHpBM',
  },
  car: {
    registered: 'Ford Focus',
    hash: '$argon2id$v=19$m=8192,t=1,p=1$mPcwuzRJ6MWu6uA9J7hosg$EmJa7EIAdbtcUbQmRZ0YRUW/v0LDSPqe06q+u86spQM',
  },
} as const;

afterEach(() => {
  vi.mocked(argon2.verify).mockClear();
});

describe('AnswerHasher', () => {
  it('when an answer is hashed, then the hash is marked form 2, argon2id at the policy cost, and does not contain the answer', async () => {
    const hasher = new AnswerHasher(pepper(), cheap);
    const stored = await hasher.hash('Ford Focus');
    expect(stored).toMatch(/^form2:\$argon2id\$v=19\$m=8192,t=1,p=1\$/);
    expect(stored.toLowerCase()).not.toContain('ford');
    expect(hasher.isOutdated(stored)).toBe(false);
  });

  it('when the same answer is typed with other spaces, punctuation or case, then it verifies; a different answer does not', async () => {
    const hasher = new AnswerHasher(pepper(), cheap);
    const stored = await hasher.hash('0121 496 0000');
    for (const typed of ['01214960000', '0121-496-0000', ' (0121) 496 0000. ']) {
      expect(await hasher.verify(stored, typed)).toBe(true);
    }
    expect(await hasher.verify(stored, '0121 496 0001')).toBe(false);
  });

  it('when a form-2 hash is checked, right or wrong, then it costs exactly one argon2 verification', async () => {
    const hasher = new AnswerHasher(pepper(), cheap);
    const stored = await hasher.hash('Ford Focus');
    await hasher.verify(stored, 'ford focus');
    await hasher.verify(stored, '(Ford) Fiesta-2');
    expect(argon2.verify).toHaveBeenCalledTimes(2);
  });

  it('when a hash was stored before form 2, then it is outdated and the answer as typed then still verifies', async () => {
    const hasher = new AnswerHasher(FORM_1.pepper, cheap);
    expect(hasher.isOutdated(FORM_1.phone.hash)).toBe(true);
    expect(await hasher.verify(FORM_1.phone.hash, FORM_1.phone.registered)).toBe(true);
    expect(await hasher.verify(FORM_1.car.hash, ' FORD  focus! ')).toBe(true);
    expect(await hasher.verify(FORM_1.car.hash, 'Ford Fiesta')).toBe(false);
  });

  it('when a form-1 hash meets punctuation where the holder once typed spaces, then it verifies', async () => {
    const hasher = new AnswerHasher(FORM_1.pepper, cheap);
    expect(await hasher.verify(FORM_1.phone.hash, '0121-496-0000')).toBe(true);
    expect(await hasher.verify(FORM_1.phone.hash, '(0121) 496-0000')).toBe(true);
  });

  it('when a form-1 hash of a spaced answer meets it without spaces, then it cannot tell (form 1 kept the spaces)', async () => {
    const hasher = new AnswerHasher(FORM_1.pepper, cheap);
    expect(await hasher.verify(FORM_1.phone.hash, '01214960000')).toBe(false);
    expect(await hasher.verify(FORM_1.car.hash, 'FordFocus')).toBe(false);
  });

  it('when a form-1 hash is checked, then it costs one argon2 verification per distinct candidate, at most three', async () => {
    const hasher = new AnswerHasher(FORM_1.pepper, cheap);
    await hasher.verify(FORM_1.phone.hash, 'Rex');
    expect(argon2.verify).toHaveBeenCalledTimes(1);
    await hasher.verify(FORM_1.phone.hash, '(0121) 496-0000');
    expect(argon2.verify).toHaveBeenCalledTimes(4);
  });

  it('when the pepper differs, then a stored hash no longer verifies', async () => {
    const stored = await new AnswerHasher(pepper(), cheap).hash('Rex');
    expect(await new AnswerHasher(pepper(), cheap).verify(stored, 'Rex')).toBe(false);
  });

  it('when the stored hash is garbage, then verification fails instead of throwing', async () => {
    const hasher = new AnswerHasher(pepper(), cheap);
    expect(await hasher.verify('not a hash', 'Rex')).toBe(false);
    expect(await hasher.verify('form2:not a hash', 'Rex')).toBe(false);
  });

  it('when the default policy is used, then hashes use 19 MiB and 2 passes and still verify', async () => {
    const hasher = new AnswerHasher(pepper(), DEFAULT_SECURITY_POLICY.answers.argon2);
    const stored = await hasher.hash('Holy Cross');
    expect(stored).toMatch(/^form2:\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await hasher.verify(stored, 'holycross')).toBe(true);
  });
});
