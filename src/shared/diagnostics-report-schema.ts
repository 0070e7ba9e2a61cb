import { z } from 'zod';

/**
 * The diagnostics report's zod schemas, apart from its types and wording (diagnostics-report.ts)
 * so the renderer, which trusts main, bundles no zod. Strict objects: no secret passes by mistake.
 */

/** Generous caps: a report is small, but no field of it may be unbounded across IPC. */
const text = z.string().max(4000);

const certificateSchema = z
  .object({
    subject: text,
    issuer: text,
    validFrom: text,
    validTo: text,
    fingerprint256: text,
    /** Whether this workstation trusts it (chain and host name). */
    trusted: z.boolean(),
    /** Why it is not trusted, as TLS said it. */
    problem: text.optional(),
  })
  .strict();

/** What was found in one reader. */
export const diagnosticsCardSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('piv'),
      /** The CHUID GUID: the identifier the server knows the card by. */
      cardId: text.nullable(),
      passcodeTriesLeft: z.number().int().nullable(),
      locked: z.boolean().nullable(),
    })
    .strict(),
  z.object({ kind: z.literal('not-piv') }).strict(),
  z.object({ kind: z.literal('unreadable'), problem: text }).strict(),
  /** A step of an unlock or a registration was using the card: it was not read, not to disturb it. */
  z.object({ kind: z.literal('in-use') }).strict(),
]);

/** The card service's answer: running with readers, or down. */
export const diagnosticsCardServiceSchema = z.discriminatedUnion('state', [
  z
    .object({
      state: z.literal('running'),
      mock: z.boolean(),
      readers: z
        .array(
          z
            .object({
              name: text,
              hasCard: z.boolean(),
              atr: text.optional(),
              card: diagnosticsCardSchema.optional(),
            })
            .strict(),
        )
        .max(64),
    })
    .strict(),
  z.object({ state: z.literal('down'), mock: z.boolean(), problem: text }).strict(),
]);

/** The server check: reachable (with its readiness answer and certificate) or not. */
export const diagnosticsServerSchema = z
  .object({
    url: text,
    reachable: z.boolean(),
    /** The HTTP status of GET /v1/status; absent when the certificate is not trusted. */
    status: z.number().int().optional(),
    /** The server can serve holders: it answered that its database is ready. */
    healthy: z.boolean(),
    milliseconds: z.number().int().optional(),
    /** What the server said of its database (200 ok, 503 SERVICE_UNAVAILABLE), if it said. */
    database: z.enum(['ok', 'unavailable']).optional(),
    problem: text.optional(),
    certificate: certificateSchema.optional(),
  })
  .strict();

/** The report, as JSON (`--json`) and as the app's screen receives it. */
export const diagnosticsReportSchema = z
  .object({
    generatedAt: text,
    app: z
      .object({
        version: text,
        platform: text,
        arch: text,
        runtime: text,
      })
      .strict(),
    settings: z
      .object({
        problem: z.object({ setting: text, source: text, fix: text }).strict().optional(),
        values: z.array(z.object({ name: text, value: text, source: text }).strict()).max(64),
      })
      .strict(),
    cardService: diagnosticsCardServiceSchema,
    server: diagnosticsServerSchema.nullable(),
  })
  .strict();
