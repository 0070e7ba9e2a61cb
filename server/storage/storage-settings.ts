import { z } from 'zod';

/**
 * Where the server keeps its data: an embedded SQLite file (one instance) or a PostgreSQL
 * database shared by several stateless instances.
 */
export const storageSettingsSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('sqlite'),
      /** Path of the database file; its folder must exist and be writable. */
      file: z.string().min(1).max(4096),
      /** How long a writer waits for another process's lock before giving up. */
      busyTimeoutMs: z.number().int().min(0).max(60_000).default(5_000),
    })
    .strict(),
  z
    .object({
      kind: z.literal('postgres'),
      /** A postgres:// connection string. */
      url: z
        .string()
        .min(1)
        .max(4096)
        .refine((u) => /^postgres(ql)?:\/\//.test(u), 'A PostgreSQL URL starts with postgres://'),
      poolSize: z.number().int().min(1).max(100).default(10),
      /** How long opening a connection, or waiting for a free one in the pool, may take. */
      connectTimeoutMs: z.number().int().min(100).max(60_000).default(3_000),
      /**
       * How long one statement may run: PostgreSQL cancels it after this, and the client gives up
       * a second later when the server does not answer at all (a frozen or unreachable host).
       */
      statementTimeoutMs: z.number().int().min(100).max(120_000).default(5_000),
    })
    .strict(),
]);

/** The parsed storage settings. */
export type StorageSettings = z.infer<typeof storageSettingsSchema>;
