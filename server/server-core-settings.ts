import { z } from 'zod';
import { DEMO_HELP_CONTACTS, helpContactsSchema } from '../src/shared/help';
import { mailSettingsSchema } from './mail/mail-settings';
import { keySettingsSchema } from './security/key-settings';
import { storageSettingsSchema } from './storage/storage-settings';
import { securityPolicySchema } from './domain/policy';

/** The settings the server's core needs: the security rules, the database, mail, the keys and the desk. */
export const serverCoreSettingsSchema = z
  .object({
    security: securityPolicySchema.default(securityPolicySchema.parse({})),
    storage: storageSettingsSchema,
    mail: mailSettingsSchema,
    keys: keySettingsSchema,
    /** The desk every API error and email names; production must set it (server/config.ts). */
    help: helpContactsSchema.default(DEMO_HELP_CONTACTS),
  })
  .strict();

/** The parsed core settings. */
export type ServerCoreSettings = z.infer<typeof serverCoreSettingsSchema>;
