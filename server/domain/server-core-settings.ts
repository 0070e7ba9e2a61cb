import { z } from 'zod';
import { mailSettingsSchema } from '../mail/mail-settings';
import { keySettingsSchema } from '../security/key-settings';
import { storageSettingsSchema } from '../storage/storage-settings';
import { securityPolicySchema } from './policy';

/** The settings the server's core needs: the security rules, the database, mail and the keys. */
export const serverCoreSettingsSchema = z
  .object({
    security: securityPolicySchema.default(securityPolicySchema.parse({})),
    storage: storageSettingsSchema,
    mail: mailSettingsSchema,
    keys: keySettingsSchema,
  })
  .strict();

/** The parsed core settings. */
export type ServerCoreSettings = z.infer<typeof serverCoreSettingsSchema>;
