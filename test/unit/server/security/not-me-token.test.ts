import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { NotMeTokens } from '../../../../server/security/not-me-token';

const pepper = randomBytes(32).toString('base64');
const claim = {
  cardId: 'ab'.repeat(16),
  attemptId: 'Q1x7YmV0dGVyLWF0dGVtcHQtaWQtMDAx',
  unlockedAt: new Date('2026-07-06T09:15:00.000Z'),
};

describe('the "This wasn\'t me" link tokens', () => {
  it('when a token is issued, then it reads back as the card, the attempt and the unlock time, in URL-safe characters', () => {
    const tokens = new NotMeTokens(pepper);
    const token = tokens.issue(claim);
    expect(token).toMatch(/^[A-Za-z0-9._-]+$/);
    expect(token.length).toBeLessThan(110);
    expect(tokens.read(token)).toEqual(claim);
    // Another instance with the same pepper (another server) reads it too.
    expect(new NotMeTokens(pepper).read(token)).toEqual(claim);
  });

  it('when any part of a token is changed, then it does not read', () => {
    const tokens = new NotMeTokens(pepper);
    const [cardId = '', attemptId = '', at = '', mac = ''] = tokens.issue(claim).split('.');
    const flip = (s: string) => (s[0] === 'a' ? 'b' : 'a') + s.slice(1);
    for (const tampered of [
      [flip(cardId), attemptId, at, mac],
      [cardId, flip(attemptId), at, mac],
      [cardId, attemptId, (parseInt(at, 36) + 86_400).toString(36), mac],
      [cardId, attemptId, at, flip(mac)],
      [cardId, attemptId, at],
      [cardId, attemptId, at, mac, 'x'],
    ]) {
      expect(tokens.read(tampered.join('.')), tampered.join('.')).toBeUndefined();
    }
    expect(tokens.read('')).toBeUndefined();
    expect(tokens.read('not a token')).toBeUndefined();
  });

  it('when the signature is spelt another way that decodes to the same bytes, then it does not read', () => {
    const tokens = new NotMeTokens(pepper);
    const token = tokens.issue(claim);
    // The last of 22 base64url characters carries 2 bits: its other spellings decode the same.
    const last = token.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = alphabet[alphabet.indexOf(last) ^ 1]!;
    expect(Buffer.from(token.slice(-22), 'base64url')).toEqual(
      Buffer.from(token.slice(-22, -1) + twin, 'base64url'),
    );
    expect(tokens.read(token.slice(0, -1) + twin)).toBeUndefined();
  });

  it('when another pepper reads it, or the code hashing key signs it, then it does not read', () => {
    const token = new NotMeTokens(pepper).issue(claim);
    expect(new NotMeTokens(randomBytes(32).toString('base64')).read(token)).toBeUndefined();
    // A MAC under the codes' key (its own HKDF label) is no link signature.
    const codeKey = Buffer.from(
      hkdfSync(
        'sha256',
        Buffer.from(pepper, 'base64'),
        Buffer.alloc(0),
        'smartcard-unlock/code/v1',
        32,
      ),
    );
    const signed = token.split('.').slice(0, 3).join('.');
    const forged = createHmac('sha256', codeKey)
      .update(`smartcard-unlock/not-me/v1\n${signed}`)
      .digest()
      .subarray(0, 16)
      .toString('base64url');
    expect(new NotMeTokens(pepper).read(`${signed}.${forged}`)).toBeUndefined();
  });
});
