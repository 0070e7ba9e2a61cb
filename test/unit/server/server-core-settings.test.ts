import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SECURITY_POLICY } from '../../../server/domain/policy';
import { serverCoreSettingsSchema } from '../../../server/server-core-settings';

const key = () => randomBytes(32).toString('base64');
const minimal = () => ({
  storage: { kind: 'sqlite', file: 'data/smartcard-unlock.db' },
  mail: { kind: 'outbox', dir: 'data/outbox' },
  keys: { keyEncryptionKeys: { k1: key() }, activeKeyId: 'k1', answerPepper: key() },
});

describe('serverCoreSettingsSchema', () => {
  it('when only storage, mail and keys are given, then every security rule takes the brief default', () => {
    const settings = serverCoreSettingsSchema.parse(minimal());
    expect(settings.security).toEqual(DEFAULT_SECURITY_POLICY);
    expect(settings.security).toMatchObject({
      answers: { maxWrongSubmissions: 3, argon2: { memoryKiB: 19 * 1024, passes: 2 } },
      code: {
        length: 8,
        validSeconds: 600,
        triesPerCode: 5,
        maxSendsPerAttempt: 3,
        resendIntervalSeconds: 60,
      },
      nonce: { bytes: 32, validSeconds: 120 },
      attempt: { validSeconds: 900, maxOpenPerCard: 3 },
    });
    expect(settings.storage).toEqual({
      kind: 'sqlite',
      file: 'data/smartcard-unlock.db',
      busyTimeoutMs: 5000,
    });
    expect(settings.mail).toMatchObject({ kind: 'outbox', printCodes: false });
  });

  it.each([
    ['a nonce under 128 bits', { security: { nonce: { bytes: 8 } } }, 'security.nonce.bytes'],
    ['codes under 8 characters', { security: { code: { length: 6 } } }, 'security.code.length'],
    [
      'no open attempt allowed per card',
      { security: { attempt: { maxOpenPerCard: 0 } } },
      'security.attempt.maxOpenPerCard',
    ],
    ['an unknown rule', { security: { answers: { maxWrong: 3 } } }, 'security.answers'],
    [
      'an active key that is not listed',
      { keys: { keyEncryptionKeys: { k1: key() }, activeKeyId: 'k2', answerPepper: key() } },
      'keys.activeKeyId',
    ],
    [
      'a key that is not 32 bytes',
      { keys: { keyEncryptionKeys: { k1: 'c2hvcnQ=' }, activeKeyId: 'k1', answerPepper: key() } },
      'keys.keyEncryptionKeys.k1',
    ],
    ['a MySQL URL', { storage: { kind: 'postgres', url: 'mysql://x' } }, 'storage.url'],
    ['SMTP without a sender', { mail: { kind: 'smtp', host: 'smtp.nhs.net' } }, 'mail.from'],
  ])('when the settings have %s, then parsing fails naming %s', (_, override, path) => {
    const result = serverCoreSettingsSchema.safeParse({ ...minimal(), ...override });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toContain(path);
  });

  it('when PostgreSQL and SMTP are chosen, then their defaults are filled in', () => {
    const settings = serverCoreSettingsSchema.parse({
      ...minimal(),
      storage: { kind: 'postgres', url: 'postgres://unlock@db/unlock' },
      mail: { kind: 'smtp', host: 'smtp.nhs.net', from: 'unlock@nhs.net' },
    });
    expect(settings.storage).toMatchObject({ poolSize: 10 });
    expect(settings.mail).toMatchObject({
      port: 587,
      secure: false,
      requireStartTls: true,
      rejectUnauthorized: true,
    });
  });
});
