import { z } from 'zod';

/** How a PostgreSQL URL is written, for a URL that does not parse (the driver could not use it). */
const POSTGRES_URL_FORM =
  'is not a URL the database driver can read: write it as postgres://user:password@host:5432/database, with any @ : / # % in the user or password percent-encoded (%40 %3A %2F %23 %25)';

/** What of a PostgreSQL URL may be shown in a message or a log: never the password. */
interface PostgresTarget {
  readonly host: string;
  readonly port: string;
  readonly database: string;
  readonly user: string;
}

const decoded = (text: string): string => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

/** The host, port, database and user of a PostgreSQL URL, as the driver reads them; undefined when it does not parse. */
export function postgresTarget(url: string): PostgresTarget | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  return {
    host: u.hostname === '' ? 'localhost' : u.hostname,
    port: u.port === '' ? '5432' : u.port,
    database: decoded(u.pathname.slice(1)),
    user: decoded(u.username),
  };
}

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
        .superRefine((u, ctx) => {
          const problem = !/^postgres(ql)?:\/\//.test(u)
            ? 'A PostgreSQL URL starts with postgres://'
            : postgresTarget(u) === undefined
              ? POSTGRES_URL_FORM
              : undefined;
          if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
        }),
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
