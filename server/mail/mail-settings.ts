import { z } from 'zod';

/** An email address as the settings accept it (the sender). */
const address = z.string().min(3).max(320);

/**
 * How the server sends mail: over SMTP, or (offline default) into an outbox folder, one file per
 * message, with the code also printed to the console in development so a tester can find it.
 */
export const mailSettingsSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('smtp'),
      host: z.string().min(1).max(255),
      port: z.number().int().min(1).max(65_535).default(587),
      /** TLS from the first byte (port 465). */
      secure: z.boolean().default(false),
      /** Refuse to send unless the server upgrades with STARTTLS (ignored when `secure`). */
      requireStartTls: z.boolean().default(true),
      /** Accept only certificates trusted by the system (turn off only for a test server). */
      rejectUnauthorized: z.boolean().default(true),
      auth: z
        .object({ user: z.string().min(1).max(320), pass: z.string().min(1).max(1024) })
        .strict()
        .optional(),
      from: address,
      /** How long the relay may take to accept a connection and greet, and to answer each command. */
      timeoutMs: z.number().int().min(500).max(120_000).default(10_000),
      /**
       * Bound on a whole send, waiting for a free connection included: below the app's request
       * timeout (20 s) less the answer check, so the holder hears the server's own answer.
       */
      sendTimeoutMs: z.number().int().min(1_000).max(120_000).default(12_000),
    })
    .strict()
    .refine((s) => s.sendTimeoutMs > s.timeoutMs, {
      path: ['sendTimeoutMs'],
      message:
        'mail.sendTimeoutMs must be longer than mail.timeoutMs: a send includes connecting to the relay and its greeting.',
    }),
  z
    .object({
      kind: z.literal('outbox'),
      /** Folder that receives one .eml and one .json file per message. */
      dir: z.string().min(1).max(4096),
      /** Development only: also print each code to the console. */
      printCodes: z.boolean().default(false),
      from: address.default('smartcard-unlock@localhost'),
    })
    .strict(),
]);

/** The parsed mail settings. */
export type MailSettings = z.infer<typeof mailSettingsSchema>;
