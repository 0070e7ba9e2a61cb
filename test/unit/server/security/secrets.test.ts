import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { unlockCodeSchema } from '../../../../src/shared/http-api';
import { CODE_ALPHABET } from '../../../../src/shared/limits';
import {
  CodeHasher,
  generateCode,
  generatePuk,
  randomToken,
} from '../../../../server/security/secrets';

describe('one-time codes', () => {
  it('when the alphabet is counted, then 8 characters carry at least 40 bits and no look-alikes', () => {
    expect(new Set(CODE_ALPHABET).size).toBe(CODE_ALPHABET.length);
    expect(8 * Math.log2(CODE_ALPHABET.length)).toBeGreaterThanOrEqual(40);
    expect(CODE_ALPHABET).not.toMatch(/[01OI]/);
  });

  it('when codes are generated, then they use only the alphabet, pass the shared schema and vary', () => {
    const codes = Array.from({ length: 200 }, () => generateCode(8));
    for (const code of codes) {
      expect(code).toMatch(new RegExp(`^[${CODE_ALPHABET}]{8}$`));
      expect(unlockCodeSchema.parse(code)).toBe(code);
    }
    expect(new Set(codes).size).toBe(200);
    // Every symbol turns up in 1,600 draws (each has a chance of 1 - (31/32)^1600 ≈ 1).
    expect(new Set(codes.join('')).size).toBe(CODE_ALPHABET.length);
  });

  it('when a code is hashed, then the same code matches only for the same attempt and pepper', () => {
    const pepper = randomBytes(32).toString('base64');
    const hasher = new CodeHasher(pepper);
    const stored = hasher.hash('attempt-one', 'ABCD2345');
    expect(stored).not.toContain('ABCD2345');
    expect(hasher.matches('attempt-one', 'ABCD2345', stored)).toBe(true);
    expect(hasher.matches('attempt-two', 'ABCD2345', stored)).toBe(false);
    expect(hasher.matches('attempt-one', 'ABCD2346', stored)).toBe(false);
    expect(
      new CodeHasher(randomBytes(32).toString('base64')).matches('attempt-one', 'ABCD2345', stored),
    ).toBe(false);
  });
});

describe('random tokens and PUKs', () => {
  it('when a nonce of 16 bytes or more is made, then it is base64url of at least 128 bits', () => {
    const nonce = randomToken(16);
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(randomToken(32)).toHaveLength(43);
  });

  it('when a PUK is generated, then it has the requested number of digits', () => {
    expect(generatePuk(8)).toMatch(/^\d{8}$/);
    expect(generatePuk(6)).toMatch(/^\d{6}$/);
  });
});
