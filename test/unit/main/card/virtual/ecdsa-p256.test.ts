import { createHash, generateKeyPairSync, verify } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readTlv } from '../../../../../src/main/card/tlv';
import { privateScalar, signDigest } from '../../../../../src/main/card/virtual/ecdsa-p256';

/** Property tests run many cases: room for them on a loaded two-core machine. */
const PROPERTY_TESTS = { timeout: 30_000 };

describe('raw ECDSA P-256 over a digest', PROPERTY_TESTS, () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const d = privateScalar(privateKey);

  it('makes signatures that node crypto verifies over the message whose SHA-256 was signed', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (message) => {
        const digest = createHash('sha256').update(message).digest();
        const signature = signDigest(d, digest);
        expect(verify('sha256', message, publicKey, signature)).toBe(true);
      }),
      { numRuns: 20 },
    );
  });

  it('when the message differs, then the signature does not verify', () => {
    const signature = signDigest(d, createHash('sha256').update('a').digest());
    expect(verify('sha256', Buffer.from('b'), publicKey, signature)).toBe(false);
  });

  it('encodes the signature as one DER SEQUENCE of two INTEGERs', () => {
    const signature = signDigest(d, new Uint8Array(32).fill(7));
    const outer = readTlv(signature);
    expect(outer.ok && outer.value.tlv.tag).toBe(0x30);
    expect(outer.ok && outer.value.next).toBe(signature.length);
  });

  it('refuses a key that is not P-256', () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey;
    expect(() => privateScalar(other)).toThrow(/not a P-256 private key/);
  });
});
