import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KeyRing } from '../../../../server/security/key-ring';

const key = () => randomBytes(32).toString('base64');
const cardA = 'a'.repeat(32);
const cardB = 'b'.repeat(32);

describe('KeyRing', () => {
  it('when a PUK is sealed, then the ciphertext names the active key, hides the PUK and opens again', () => {
    const ring = new KeyRing({ keyEncryptionKeys: { k1: key() }, activeKeyId: 'k1' });
    const sealed = ring.seal(cardA, '12345678');
    expect(sealed.keyId).toBe('k1');
    expect(Buffer.from(sealed.ciphertext).toString('latin1')).not.toContain('12345678');
    expect(ring.open(cardA, sealed)).toBe('12345678');
  });

  it('when the same PUK is sealed twice, then the ciphertexts differ (fresh IV)', () => {
    const ring = new KeyRing({ keyEncryptionKeys: { k1: key() }, activeKeyId: 'k1' });
    expect(Buffer.from(ring.seal(cardA, '12345678').ciphertext)).not.toEqual(
      Buffer.from(ring.seal(cardA, '12345678').ciphertext),
    );
  });

  it('when a ciphertext is moved to another card or tampered with, then it does not open', () => {
    const ring = new KeyRing({ keyEncryptionKeys: { k1: key() }, activeKeyId: 'k1' });
    const sealed = ring.seal(cardA, '12345678');
    expect(() => ring.open(cardB, sealed)).toThrow();
    const flipped = new Uint8Array(sealed.ciphertext);
    flipped[14] = (flipped[14] ?? 0) ^ 1;
    expect(() => ring.open(cardA, { keyId: 'k1', ciphertext: flipped })).toThrow();
  });

  it('when a key rotates, then old ciphertexts still open and new ones use the new key', () => {
    const k1 = key();
    const old = new KeyRing({ keyEncryptionKeys: { k1 }, activeKeyId: 'k1' }).seal(
      cardA,
      '87654321',
    );
    const ring = new KeyRing({ keyEncryptionKeys: { k1, k2: key() }, activeKeyId: 'k2' });
    expect(ring.open(cardA, old)).toBe('87654321');
    expect(ring.seal(cardA, '87654321').keyId).toBe('k2');
  });

  it('when the key named by a ciphertext is missing, then the error names the setting', () => {
    const sealed = new KeyRing({ keyEncryptionKeys: { k1: key() }, activeKeyId: 'k1' }).seal(
      cardA,
      '1',
    );
    const ring = new KeyRing({ keyEncryptionKeys: { k2: key() }, activeKeyId: 'k2' });
    expect(() => ring.open(cardA, sealed)).toThrow(/keys\.keyEncryptionKeys/);
  });
});
