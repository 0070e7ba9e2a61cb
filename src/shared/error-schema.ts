import { z } from 'zod';
import { ERROR_CODES } from './errors';

/**
 * The zod side of errors.ts, apart so the renderer (which trusts main) bundles no zod: main and
 * the server check with these every error that crosses a boundary.
 */

/** A stable error code. */
const errorCodeSchema = z.enum(ERROR_CODES);

/** Facts that refine a message, such as tries left; never a secret. */
const errorDetailsSchema = z
  .object({
    triesLeft: z.number().int().nonnegative().optional(),
    retryAfterSeconds: z.number().int().nonnegative().optional(),
    field: z.string().max(200).optional(),
    readers: z.array(z.string().max(200)).max(16).optional(),
    /** SETTINGS_INVALID: where the bad setting came from (a file path, a variable, a flag). */
    source: z.string().max(500).optional(),
    /** SETTINGS_INVALID: what is wrong with the setting and how to put it right. */
    fix: z.string().max(1000).optional(),
    /** Self-service refused, but the attempt is kept: the service desk may approve it (ADR 0025). */
    assistedUnlock: z.literal(true).optional(),
  })
  .strict();

/** An error as a value: what the user reads, what they do next, and a code for the service desk. */
export const appErrorSchema = z
  .object({
    code: errorCodeSchema,
    message: z.string().min(1).max(1000),
    nextStep: z.string().min(1).max(1000),
    details: errorDetailsSchema.optional(),
  })
  .strict();
