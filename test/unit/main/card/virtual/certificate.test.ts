import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../../../../src/main/card/bytes';
import {
  derOid,
  derTime,
  selfSignedCertificate,
} from '../../../../../src/main/card/virtual/certificate';

describe('self-signed certificate builder', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

  it('builds a certificate that node parses, self-verifies, and names the holder', () => {
    const der = selfSignedCertificate({
      privateKey,
      publicKey,
      commonName: 'Dr Ana Müller',
      notBefore: new Date('2026-01-01T00:00:00Z'),
      notAfter: new Date('2060-01-01T00:00:00Z'),
    });
    const cert = new X509Certificate(Buffer.from(der));
    expect(cert.subject).toBe('CN=Dr Ana Müller');
    expect(cert.issuer).toBe(cert.subject);
    expect(cert.verify(publicKey)).toBe(true);
    expect(cert.publicKey.equals(publicKey)).toBe(true);
    expect(new Date(cert.validFrom).toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(new Date(cert.validTo).toISOString()).toBe('2060-01-01T00:00:00.000Z');
  });

  it('encodes object identifiers with multi-byte arcs', () => {
    expect(toHex(derOid('1.2.840.10045.4.3.2'))).toBe('06082a8648ce3d040302');
  });

  it('uses UTCTime before 2050 and GeneralizedTime from 2050', () => {
    expect(Buffer.from(derTime(new Date('2049-12-31T23:59:59Z'))).toString('latin1')).toBe(
      '\x17\x0d491231235959Z',
    );
    expect(Buffer.from(derTime(new Date('2050-01-01T00:00:00Z'))).toString('latin1')).toBe(
      '\x18\x0f20500101000000Z',
    );
  });
});
