import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTestCertificate } from '../config/test-certificate';

/** Certificates and keys for import files: P-256 as PEM and base64 DER, and a P-384 key to refuse. */
export function importFixtures(): {
  readonly pem: string;
  readonly certDer64: string;
  readonly spkiDer64: string;
  readonly p384Spki64: string;
} {
  const dir = mkdtempSync(join(tmpdir(), 'scu-import-'));
  try {
    const { certFile } = makeTestCertificate(dir);
    const pem = readFileSync(certFile, 'utf8').trim();
    const cert = new X509Certificate(pem);
    const spki = cert.publicKey.export({ type: 'spki', format: 'der' });
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey.export({
      type: 'spki',
      format: 'der',
    });
    return {
      pem,
      certDer64: cert.raw.toString('base64'),
      spkiDer64: spki.toString('base64'),
      p384Spki64: p384.toString('base64'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A CSV field, quoted when it must be. */
export const csvField = (value: string): string =>
  /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
