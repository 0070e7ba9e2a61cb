import { createPrivateKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  completeProfile,
  parseProfile,
  parseProfileText,
} from '../../../../../src/main/card/virtual/profile';
import { BASE_PROFILE, makeProfile } from '../support';

const errorOf = (json: unknown) => {
  const result = parseProfile(json, 'card.json');
  if (result.ok) throw new Error('expected the profile to be refused');
  return result.error;
};

describe('virtual card profile: validation', () => {
  it('accepts the minimal profile and lower-cases the GUID', () => {
    const result = parseProfile(BASE_PROFILE);
    expect(result.ok && result.value.guid).toBe('0123456789abcdef0123456789abcdef');
  });

  it.each([
    ['guid', { guid: '1234' }, /field "guid" must be 32 hexadecimal digits/],
    ['pin', { pin: '123456789' }, /field "pin" must be 1 to 8 printable ASCII characters/],
    ['puk', { puk: 'pük12345' }, /field "puk" must be 1 to 8 printable ASCII/],
    ['pinTriesLeft', { pinTriesLeft: 20 }, /field "pinTriesLeft" must be from 0 to 15/],
    ['pukTriesLeft', { pukTriesLeft: 1.5 }, /field "pukTriesLeft" must be a whole number/],
    ['holderName', { holderName: '  ' }, /field "holderName" must not be empty/],
    ['pinTriesLeft', { pinTriesLeft: 5 }, /field "pinTriesLeft" must not exceed pinTriesMax \(3\)/],
    [
      'keys.9A',
      { keys: { '9A': 'not a key' } },
      /field "keys.9A" must be an ECC P-256 private key in PKCS#8 PEM form/,
    ],
    [
      'certificates.9E',
      { certificates: { '9E': '!!!' } },
      /field "certificates.9E" must be base64/,
    ],
  ])('when %s is wrong, then the message names that field', (field, patch, message) => {
    const error = errorOf({ ...BASE_PROFILE, ...patch });
    expect(error.field).toBe(field);
    expect(error.message).toMatch(/^card\.json: /);
    expect(error.message).toMatch(message);
  });

  it('when a required field is missing, then it says the field is required', () => {
    const { pin: _pin, ...rest } = BASE_PROFILE;
    const error = errorOf(rest);
    expect(error).toEqual({ field: 'pin', message: 'card.json: field "pin" is required' });
  });

  it('when an unknown field is present, then it names it', () => {
    const error = errorOf({ ...BASE_PROFILE, pinn: '1234' });
    expect(error.field).toBe('pinn');
    expect(error.message).toMatch(/field "pinn" is not part of a profile/);
  });

  it('when a key is not P-256, then it says which curve is needed', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(errorOf({ ...BASE_PROFILE, keys: { '9E': pem } }).message).toMatch(
      /field "keys.9E" must be an ECC P-256 private key/,
    );
  });

  it('when a certificate does not belong to the key in its slot, then it names the certificate', () => {
    const other = makeProfile();
    const mine = makeProfile();
    const error = errorOf({
      ...BASE_PROFILE,
      keys: { '9A': mine.keys['9A'] },
      certificates: { '9A': other.certificates['9A'] },
    });
    expect(error.field).toBe('certificates.9A');
    expect(error.message).toMatch(/does not match the public key of keys.9A/);
  });

  it('when a certificate is given without its key, then it says the card could not sign', () => {
    const other = makeProfile();
    expect(
      errorOf({ ...BASE_PROFILE, certificates: { '9E': other.certificates['9E'] } }).message,
    ).toMatch(/field "certificates.9E" is given without keys.9E/);
  });

  it('when the text nests deeper than any profile does, then it names the file and says so', () => {
    const result = parseProfileText(
      '{"a":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}',
      'card.json',
    );
    expect(result.ok ? '' : result.error.message).toBe('card.json: nests deeper than 32 levels');
  });

  it('when the text is not JSON, then it names the file and says so', () => {
    const result = parseProfileText('{ "guid": ', 'card.json');
    expect(result.ok ? '' : result.error.message).toMatch(/^card\.json: not valid JSON/);
  });
});

describe('virtual card profile: generated key material', () => {
  it('generates P-256 keys and self-signed certificates for both slots, subject CN = holder name', () => {
    const parsed = parseProfile(BASE_PROFILE);
    if (!parsed.ok) throw new Error(parsed.error.message);
    const { profile, changed } = completeProfile(parsed.value);
    expect(changed).toBe(true);
    for (const slot of ['9A', '9E'] as const) {
      const cert = new X509Certificate(Buffer.from(profile.certificates[slot], 'base64'));
      expect(cert.subject).toBe('CN=Mr John Rigby');
      expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
      expect(cert.verify(cert.publicKey)).toBe(true);
      const key = createPrivateKey(profile.keys[slot]);
      expect(key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    }
    expect(profile.certificates['9A']).not.toBe(profile.certificates['9E']);
  });

  it('when the profile already has everything, then nothing changes and it validates again', () => {
    const full = makeProfile();
    const again = parseProfile(JSON.parse(JSON.stringify(full)));
    if (!again.ok) throw new Error(again.error.message);
    const { profile, changed } = completeProfile(again.value);
    expect(changed).toBe(false);
    expect(profile).toEqual(full);
  });

  it('when only a key is given, then it keeps the key and makes a certificate for it', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const parsed = parseProfile({ ...BASE_PROFILE, keys: { '9E': pem } });
    if (!parsed.ok) throw new Error(parsed.error.message);
    const { profile } = completeProfile(parsed.value);
    expect(profile.keys['9E']).toBe(pem);
    const cert = new X509Certificate(Buffer.from(profile.certificates['9E'], 'base64'));
    expect(cert.publicKey.equals(publicKey)).toBe(true);
  });
});

describe('virtual card profile: shape', () => {
  it('when the JSON is not an object, then it says a profile is an object', () => {
    expect(errorOf([1, 2])).toEqual({ message: 'card.json: a profile must be a JSON object' });
  });

  it('when keys is not an object, then it names keys', () => {
    expect(errorOf({ ...BASE_PROFILE, keys: 'x' }).message).toMatch(
      /field "keys" must be an object/,
    );
  });
});
