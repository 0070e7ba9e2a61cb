import { z } from 'zod';

/** A 32-byte secret written as standard base64. */
const key32 = z
  .string()
  .refine((s) => /^[A-Za-z0-9+/]{43}=$/.test(s) && Buffer.from(s, 'base64').length === 32, {
    message:
      'A key is 32 random bytes written in base64 (44 characters, e.g. `openssl rand -base64 32`).',
  });

/** A key-encryption key's identifier, stored beside each ciphertext so keys can rotate. */
const keyIdSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9._-]{1,32}$/,
    'A key id is 1 to 32 letters, digits, dots, hyphens or underscores.',
  );

/**
 * The server's secrets: key-encryption keys for the PUKs (by id; the active one encrypts, every
 * listed one decrypts, so a key can rotate), and the pepper mixed into answer and code hashes.
 */
export const keySettingsSchema = z
  .object({
    keyEncryptionKeys: z
      .record(keyIdSchema, key32)
      .refine((keys) => Object.keys(keys).length > 0, 'At least one key-encryption key is needed.'),
    activeKeyId: keyIdSchema,
    /** Mixed into every answer and code hash; losing it invalidates every registration. */
    answerPepper: key32,
  })
  .strict()
  .refine((k) => Object.hasOwn(k.keyEncryptionKeys, k.activeKeyId), {
    message: 'activeKeyId must name one of keyEncryptionKeys.',
    path: ['activeKeyId'],
  });

/** The parsed key settings. */
export type KeySettings = z.infer<typeof keySettingsSchema>;
