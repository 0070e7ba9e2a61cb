import { z } from 'zod';
import { DELIVERY_CHANNELS } from '../domain/delivery-port';

/** Notify's production API; tests point `notify.baseUrl` at a local stand-in. */
const NOTIFY_PRODUCTION_URL = 'https://api.notifications.service.gov.uk';

const uuid = z
  .string()
  .regex(
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
    'is not a Notify id (a UUID such as 4f6c3a9e-1b2d-4c5e-8f70-9a1b2c3d4e5f): copy it from the Notify dashboard.',
  );

/**
 * A Notify API key, `{key name}-{service id}-{secret}` (both UUIDs). The client reads the last 73
 * characters only, so a mistyped key would fail at the first send: checked here instead.
 */
const notifyApiKeySchema = z
  .string()
  .regex(
    /^[A-Za-z0-9_-]+-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
    'is not a GOV.UK Notify API key: it reads {key name}-{service id}-{secret id}, the two ids being UUIDs. Copy the whole key from Notify (API integration, API keys).',
  );

/** One channel's Notify templates, by what the message is. */
const templateSetSchema = z
  .object({
    /** Unlock and registration codes. */
    code: uuid,
    unlockedNotice: uuid,
    /** Needed for email only: the "registered" notice confirms the email address, so never goes by text. */
    registeredNotice: uuid.optional(),
  })
  .strict();

/** The placeholder names our templates use in Notify, `((name))`; the defaults are documented. */
const personalisationNamesSchema = z
  .object({
    /** The whole message in our wording (docs/deployment.md, "GOV.UK Notify"). */
    body: z.string().min(1).max(100).default('body'),
    /** An email's subject in our wording. */
    subject: z.string().min(1).max(100).default('subject'),
    code: z.string().min(1).max(100).default('code'),
    holderName: z.string().min(1).max(100).default('name'),
    validMinutes: z.string().min(1).max(100).default('valid_minutes'),
  })
  .strict();

/** GOV.UK Notify (docs/notify.md): texts, and emails when `delivery.email` is `notify`. */
export const notifySettingsSchema = z
  .object({
    /** Secret: SCU_NOTIFY_API_KEY; never logged. */
    apiKey: notifyApiKeySchema,
    baseUrl: z.url({ protocol: /^https?$/ }).default(NOTIFY_PRODUCTION_URL),
    /** Bound on one request to Notify: below the app's request timeout, as mail.sendTimeoutMs. */
    timeoutMs: z.number().int().min(1_000).max(60_000).default(10_000),
    templates: z
      .object({ sms: templateSetSchema.optional(), email: templateSetSchema.optional() })
      .strict(),
    personalisation: personalisationNamesSchema.default(personalisationNamesSchema.parse({})),
    /** The text sender set up in Notify (Settings, Text message senders); Notify's default if unset. */
    smsSenderId: uuid.optional(),
    /** The reply-to address set up in Notify for emails; Notify's default if unset. */
    emailReplyToId: uuid.optional(),
  })
  .strict();

/** The parsed Notify settings. */
export type NotifySettings = z.infer<typeof notifySettingsSchema>;

/** Which channels carry codes, in order, and what carries email. */
export const deliverySettingsSchema = z
  .object({
    /** An unlock's code goes on the first channel the holder has an address on. */
    channels: z
      .array(z.enum(DELIVERY_CHANNELS))
      .min(1)
      .max(DELIVERY_CHANNELS.length)
      .refine((list) => new Set(list).size === list.length, 'names a channel twice.')
      .default(['email']),
    /** `smtp`: the `mail` section (or the development outbox); `notify`: Notify's email API. */
    email: z.enum(['smtp', 'notify']).default('smtp'),
  })
  .strict();
