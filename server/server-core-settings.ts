import { z } from 'zod';
import { DEMO_HELP_CONTACTS } from '../src/shared/help';
import { helpContactsSchema } from '../src/shared/help-schema';
import { deliverySettingsSchema, notifySettingsSchema } from './delivery/delivery-settings';
import { mailSettingsSchema } from './mail/mail-settings';
import { keySettingsSchema } from './security/key-settings';
import { storageSettingsSchema } from './storage/storage-settings';
import { securityPolicySchema } from './domain/policy';
import { verificationModelSchema } from '../src/shared/http-api';

/** The server's address as holders reach it: http(s), no query or fragment, no trailing slash. */
const publicUrlSchema = z
  .url({ protocol: /^https?$/ })
  .max(200)
  .refine((url) => !/[?#]/.test(url), 'must not have a query (?) or a fragment (#).')
  .transform((url) => url.replace(/\/+$/, ''));

/** The settings the server's core needs: the security rules, the database, mail, the keys and the desk. */
export const serverCoreSettingsSchema = z
  .object({
    security: securityPolicySchema.default(securityPolicySchema.parse({})),
    storage: storageSettingsSchema,
    mail: mailSettingsSchema,
    keys: keySettingsSchema,
    /** The desk every API error and email names; production must set it (server/config.ts). */
    help: helpContactsSchema.default(DEMO_HELP_CONTACTS),
    /** Which channels carry codes, and whether email goes by SMTP or Notify. */
    delivery: deliverySettingsSchema.default(deliverySettingsSchema.parse({})),
    /** GOV.UK Notify: needed when a channel uses it. */
    notify: notifySettingsSchema.optional(),
    /** How a holder is checked before an unlock (docs/deployment.md, "Verification policy"). */
    verification: z
      .object({ model: verificationModelSchema.default('questions-and-code') })
      .strict()
      .default({ model: 'questions-and-code' }),
    /**
     * Where holders reach this server, for the links in their notices; production must set it
     * while `security.notMeLink` is on (server/config.ts). Without it, notices carry no link.
     */
    publicUrl: publicUrlSchema.optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    // Each channel that goes through Notify needs the key and that channel's templates.
    const needs: (readonly ['sms' | 'email', string])[] = [
      ...(s.delivery.channels.includes('sms')
        ? [['sms', 'delivery.channels offers "sms"'] as const]
        : []),
      ...(s.delivery.email === 'notify' ? [['email', 'delivery.email is "notify"'] as const] : []),
    ];
    for (const [channel, why] of needs) {
      if (s.notify === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['notify', 'apiKey'],
          message: `${why}, and that goes through GOV.UK Notify, which needs its API key: set SCU_NOTIFY_API_KEY, or notify.apiKey in the config file, with notify.templates.${channel} (docs/deployment.md, "GOV.UK Notify"). Otherwise take it out.`,
        });
      } else if (
        s.notify.templates[channel] === undefined ||
        (channel === 'email' && s.notify.templates.email?.registeredNotice === undefined)
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['notify', 'templates', channel],
          message: `${why}, so Notify needs the ${channel} templates' ids: set notify.templates.${channel} to {"code": ..., "unlockedNotice": ...${channel === 'email' ? ', "registeredNotice": ...' : ''}} in the config file (docs/deployment.md, "GOV.UK Notify").`,
        });
      }
    }
  });

/** The parsed core settings. */
export type ServerCoreSettings = z.infer<typeof serverCoreSettingsSchema>;
