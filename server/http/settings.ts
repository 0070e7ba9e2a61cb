import { isIP } from 'node:net';
import { z } from 'zod';

/** The names Express (proxy-addr) accepts for well-known ranges in `trust proxy`. */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** True for a netmask such as 255.255.240.0: ones, then only zeros. */
function isContiguousMask(mask: string): boolean {
  const bits = mask
    .split('.')
    .map((octet) => Number(octet).toString(2).padStart(8, '0'))
    .join('');
  return /^1*0*$/.test(bits);
}

/**
 * Why one entry of a `trust proxy` list is not an address, subnet or range name Express accepts,
 * or undefined when it is. Checked at start, so a typo is a settings error naming the entry
 * rather than a crash (or, worse, a proxy silently not trusted and every client sharing its address).
 */
function trustProxyEntryProblem(entry: string): string | undefined {
  if (NAMED_RANGES.has(entry)) return undefined;
  const [address = '', range, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) {
    return `"${entry}" is not an IP address, a subnet (address/bits) or one of ${[...NAMED_RANGES].join(', ')}`;
  }
  if (range === undefined) return undefined;
  const maxBits = family === 4 ? 32 : 128;
  if (/^\d{1,3}$/.test(range) && Number(range) <= maxBits) return undefined;
  if (family === 4 && isIP(range) === 4 && isContiguousMask(range)) return undefined;
  return `"${entry}" has a bad prefix: IPv${family} takes /0 to /${maxBits}${family === 4 ? ' or a netmask' : ''}`;
}

/** `trust proxy` as Express takes it: off, on, a hop count, or addresses and subnets. */
export const trustProxySchema = z.union([
  z.boolean(),
  z.number().int().min(0).max(10),
  z
    .string()
    .min(1)
    .max(1000)
    .superRefine((text, ctx) => {
      const problems = new Set(
        text
          .split(',')
          .map((entry) => entry.trim())
          .map((entry) =>
            entry === ''
              ? 'an empty entry in the list (two commas, or one at an end)'
              : trustProxyEntryProblem(entry),
          ),
      );
      for (const message of problems) {
        if (message !== undefined) ctx.addIssue({ code: 'custom', message });
      }
    }),
]);

const rateLimitDefaults = { windowSeconds: 60, maxRequests: 120, maxAttemptStarts: 20 };

const connectionDefaults = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 1000,
};

/**
 * How long a client may hold a connection, and how many it may hold, on each listener. Node's own
 * defaults (60 s for headers, 300 s for a request, no cap) let slow clients tie the server up.
 */
export const connectionSettingsSchema = z
  .object({
    /** From a request's first byte (or the connection) to its last header; then 408 and close. */
    headersTimeoutMs: z.number().int().min(1000).max(120_000).default(10_000),
    /** The whole request, headers and body (at most http.bodyLimitBytes); then 408 and close. */
    requestTimeoutMs: z.number().int().min(1000).max(600_000).default(30_000),
    /** An idle keep-alive connection is closed after this; a reverse proxy's must be shorter. */
    keepAliveTimeoutMs: z.number().int().min(1000).max(600_000).default(5_000),
    /** Open connections per listener; more are closed as soon as they are accepted. */
    maxConnections: z.number().int().min(1).max(1_000_000).default(1000),
    /** Requests on one keep-alive connection before it is closed; unset means no limit. */
    maxRequestsPerSocket: z.number().int().min(1).max(1_000_000).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    // Node refuses a headers timeout above the request timeout, and an equal one never fires.
    if (c.requestTimeoutMs <= c.headersTimeoutMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['requestTimeoutMs'],
        message: `must be longer than http.connections.headersTimeoutMs (${c.headersTimeoutMs} ms): the request timeout covers the headers and then the body.`,
      });
    }
  });

/** The parsed connection limits. */
export type ConnectionSettings = z.infer<typeof connectionSettingsSchema>;

/** The HTTP edge's settings (docs/decisions/0008-configuration.md). */
export const httpSettingsSchema = z
  .object({
    /** Largest JSON body accepted; larger is a 413. Every /v1 body fits in well under 16 kB. */
    bodyLimitBytes: z
      .number()
      .int()
      .min(1024)
      .max(1024 * 1024)
      .default(16 * 1024),
    /** Express's `trust proxy`: set only when a known reverse proxy sets X-Forwarded-For. */
    trustProxy: trustProxySchema.default(false),
    /**
     * Per-address limits on /v1, on top of the per-card rules. The server counts them in its
     * database, so instances sharing a database share the limits.
     */
    rateLimit: z
      .object({
        windowSeconds: z.number().int().min(1).max(3600).default(60),
        maxRequests: z.number().int().min(1).max(100_000).default(120),
        /** New attempts (unlock and registration) per address per window. */
        maxAttemptStarts: z.number().int().min(1).max(10_000).default(20),
      })
      .strict()
      .default(rateLimitDefaults),
    /** Serve Prometheus metrics at /metrics on the operator listener. */
    metricsEnabled: z.boolean().default(true),
    /** Timeouts and caps on the connections of both listeners (public and operator). */
    connections: connectionSettingsSchema.default(connectionDefaults),
  })
  .strict();

/** The parsed HTTP settings. */
export type HttpSettings = z.infer<typeof httpSettingsSchema>;
