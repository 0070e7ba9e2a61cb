import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { selfSignedCertificate } from '../../src/main/card/virtual/certificate';

/** The profile fields the tests set; the card generates keys and certificates and writes them back. */
export interface TestProfile {
  readonly guid: string;
  readonly holderName: string;
  readonly pin: string;
  readonly puk: string;
  readonly pinTriesLeft: number;
  readonly pukTriesLeft: number;
}

/** A profile as product.md describes the defaults: three tries each. */
export const DEFAULT_TEST_PROFILE: TestProfile = {
  guid: '00112233445566778899aabbccddeeff',
  holderName: 'Mr John Rigby',
  pin: '123456',
  puk: '12345678',
  pinTriesLeft: 3,
  pukTriesLeft: 3,
};

/** Writes a profile file into `dir` and returns its path. */
export function writeProfile(dir: string, overrides: Partial<TestProfile> = {}): string {
  const path = join(dir, 'card.json');
  writeFileSync(path, `${JSON.stringify({ ...DEFAULT_TEST_PROFILE, ...overrides }, null, 2)}\n`);
  return path;
}

/** The profile file as the card left it (its state, like a chip's memory). */
export function readProfile(path: string): TestProfile & {
  readonly certificates?: Readonly<Record<'9A' | '9E', string>>;
} {
  return JSON.parse(readFileSync(path, 'utf8')) as TestProfile & {
    readonly certificates?: Readonly<Record<'9A' | '9E', string>>;
  };
}

/**
 * Replaces the 9E certificate in a completed profile with one for the same key that expired
 * yesterday: the card still proves with its key, and an import reads the past expiry.
 */
export function expireCardAuthCertificate(path: string): void {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as {
    holderName: string;
    keys: Record<'9A' | '9E', string>;
    certificates: Record<'9A' | '9E', string>;
  };
  const privateKey = createPrivateKey(profile.keys['9E']);
  const day = 24 * 3600 * 1000;
  const der = selfSignedCertificate({
    privateKey,
    publicKey: createPublicKey(privateKey),
    commonName: profile.holderName,
    notBefore: new Date(Date.now() - 365 * day),
    notAfter: new Date(Date.now() - day),
  });
  profile.certificates['9E'] = Buffer.from(der).toString('base64');
  writeFileSync(path, JSON.stringify(profile), { mode: 0o600 });
}
