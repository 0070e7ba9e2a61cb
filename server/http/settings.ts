import { z } from 'zod';

/** `trust proxy` as Express takes it: off, on, a hop count, or addresses and subnets. */
export const trustProxySchema = z.union([
  z.boolean(),
  z.number().int().min(0).max(10),
  z.string().min(1).max(1000),
]);

const rateLimitDefaults = { windowSeconds: 60, maxRequests: 120, maxAttemptStarts: 20 };

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
    /** Per-address limits on /v1, in one instance, on top of the per-card rules. */
    rateLimit: z
      .object({
        windowSeconds: z.number().int().min(1).max(3600).default(60),
        maxRequests: z.number().int().min(1).max(100_000).default(120),
        /** New attempts (unlock and registration) per address per window. */
        maxAttemptStarts: z.number().int().min(1).max(10_000).default(20),
      })
      .strict()
      .default(rateLimitDefaults),
    /** Serve Prometheus metrics at /metrics. */
    metricsEnabled: z.boolean().default(true),
  })
  .strict();

/** The parsed HTTP settings. */
export type HttpSettings = z.infer<typeof httpSettingsSchema>;
