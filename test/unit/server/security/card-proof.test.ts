import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  cardPublicKey,
  certificateNotAfter,
  verifyCardSignature,
} from '../../../../server/security/card-proof';
import { selfSignedCertificate } from '../../../../src/main/card/virtual/certificate';

const p256 = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
const spkiOf = (k: ReturnType<typeof p256>) =>
  new Uint8Array(k.publicKey.export({ format: 'der', type: 'spki' }));

/** A self-signed X.509 certificate for the key, as a card's 9A/9E object holds (made by openssl). */
function certificateFor(k: ReturnType<typeof p256>): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'card-proof-'));
  try {
    const keyFile = join(dir, 'key.pem');
    writeFileSync(keyFile, k.privateKey.export({ format: 'pem', type: 'pkcs8' }));
    const certFile = join(dir, 'cert.der');
    execFileSync('openssl', [
      'req',
      '-x509',
      '-new',
      '-key',
      keyFile,
      '-subj',
      '/CN=Card Authentication',
      '-days',
      '1',
      '-outform',
      'DER',
      '-out',
      certFile,
    ]);
    return new Uint8Array(readFileSync(certFile));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const message = 'smartcard-unlock/v1/unlock/attempt/nonce';

describe('verifyCardSignature', () => {
  it('when the card signs with its key, then the signature verifies against its SPKI and its certificate', () => {
    const key = p256();
    const signature = new Uint8Array(sign('sha256', Buffer.from(message), key.privateKey));
    expect(verifyCardSignature(spkiOf(key), message, signature)).toBe(true);
    expect(verifyCardSignature(certificateFor(key), message, signature)).toBe(true);
  });

  it('when the message, the key or the signature differ, then it does not verify', () => {
    const key = p256();
    const signature = new Uint8Array(sign('sha256', Buffer.from(message), key.privateKey));
    expect(verifyCardSignature(spkiOf(key), `${message}x`, signature)).toBe(false);
    expect(verifyCardSignature(spkiOf(p256()), message, signature)).toBe(false);
    expect(verifyCardSignature(spkiOf(key), message, new Uint8Array([0x30, 0x00]))).toBe(false);
  });

  it('when the stored key is not ECDSA P-256, then nothing verifies', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const der = new Uint8Array(rsa.publicKey.export({ format: 'der', type: 'spki' }));
    expect(cardPublicKey(der)).toBeUndefined();
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    expect(
      cardPublicKey(new Uint8Array(p384.publicKey.export({ format: 'der', type: 'spki' }))),
    ).toBeUndefined();
    expect(cardPublicKey(new Uint8Array([1, 2, 3]))).toBeUndefined();
  });
});

describe('when a card certificate expires', () => {
  const certificate = (notAfter: Date) => {
    const k = p256();
    return selfSignedCertificate({
      privateKey: k.privateKey,
      publicKey: k.publicKey,
      commonName: 'Card Authentication',
      notBefore: new Date('2020-01-01T00:00:00Z'),
      notAfter,
    });
  };

  it('when it is a certificate, then its notAfter is read to the second, in UTC', () => {
    expect(certificateNotAfter(certificate(new Date('2027-03-02T09:00:00Z')))).toBe(
      '2027-03-02T09:00:00.000Z',
    );
    // Beyond 2049, X.509 writes GeneralizedTime: read the same way.
    expect(certificateNotAfter(certificate(new Date('2051-01-01T00:00:00Z')))).toBe(
      '2051-01-01T00:00:00.000Z',
    );
  });

  it('when it is a bare public key, or not a certificate at all, then it has no expiry', () => {
    expect(certificateNotAfter(spkiOf(p256()))).toBeNull();
    expect(certificateNotAfter(new Uint8Array([1, 2, 3]))).toBeNull();
  });
});
