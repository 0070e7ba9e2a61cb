import { z } from 'zod';
import { CODE_LENGTH, PUK_LENGTH, QUESTIONS_REQUIRED } from '../../src/shared/limits';

/**
 * The security rules of the product brief, each a validated setting with the brief's default.
 * The server's configuration embeds this schema; the domain reads only the parsed values.
 */
export const securityPolicySchema = z
  .object({
    answers: z
      .object({
        /** Wrong answer submissions per card, across sessions and instances, before self-service locks. */
        maxWrongSubmissions: z.number().int().min(1).max(10).default(3),
        /** Questions asked at unlock, and chosen at registration. */
        questionsRequired: z
          .number()
          .int()
          .min(QUESTIONS_REQUIRED.min)
          .max(QUESTIONS_REQUIRED.max)
          .default(QUESTIONS_REQUIRED.default),
        argon2: z
          .object({
            memoryKiB: z
              .number()
              .int()
              .min(8 * 1024)
              .max(1024 * 1024)
              .default(19 * 1024),
            passes: z.number().int().min(1).max(10).default(2),
            parallelism: z.number().int().min(1).max(8).default(1),
          })
          .strict()
          .default({ memoryKiB: 19 * 1024, passes: 2, parallelism: 1 }),
      })
      .strict()
      .default({
        maxWrongSubmissions: 3,
        questionsRequired: QUESTIONS_REQUIRED.default,
        argon2: { memoryKiB: 19 * 1024, passes: 2, parallelism: 1 },
      }),
    code: z
      .object({
        /** Characters per code; the screen is told the length in each delivery. */
        length: z
          .number()
          .int()
          .min(CODE_LENGTH.min)
          .max(CODE_LENGTH.max)
          .default(CODE_LENGTH.default),
        validSeconds: z.number().int().min(60).max(3600).default(600),
        triesPerCode: z.number().int().min(1).max(10).default(5),
        maxSendsPerAttempt: z.number().int().min(1).max(10).default(3),
        resendIntervalSeconds: z.number().int().min(0).max(3600).default(60),
      })
      .strict()
      .default({
        length: CODE_LENGTH.default,
        validSeconds: 600,
        triesPerCode: 5,
        maxSendsPerAttempt: 3,
        resendIntervalSeconds: 60,
      }),
    nonce: z
      .object({
        bytes: z.number().int().min(16).max(64).default(32),
        validSeconds: z.number().int().min(10).max(600).default(120),
      })
      .strict()
      .default({ bytes: 32, validSeconds: 120 }),
    attempt: z
      .object({
        validSeconds: z.number().int().min(60).max(7200).default(900),
        /**
         * Live attempts a card may hold at once: a new start ends the oldest beyond this, so
         * unauthenticated starts for one card cannot pile up open attempts.
         */
        maxOpenPerCard: z.number().int().min(1).max(20).default(3),
      })
      .strict()
      .default({ validSeconds: 900, maxOpenPerCard: 3 }),
    puk: z
      .object({
        /** PUK releases per card per UTC day. */
        maxReleasesPerDay: z.number().int().min(1).max(20).default(3),
        /** Length of the server-chosen next PUK (digits). */
        length: z
          .number()
          .int()
          .min(PUK_LENGTH.min)
          .max(PUK_LENGTH.max)
          .default(PUK_LENGTH.default),
      })
      .strict()
      .default({ maxReleasesPerDay: 3, length: PUK_LENGTH.default }),
    /** The unlock notice's single-use "This wasn't me" link, which freezes self-service. */
    notMeLink: z
      .object({
        /** Off: notices carry no link (the server is not reachable from where holders read them). */
        enabled: z.boolean().default(true),
        /** Days from the unlock that the link works. */
        validDays: z.number().int().min(1).max(30).default(7),
      })
      .strict()
      .default({ enabled: true, validDays: 7 }),
    /** The assisted unlock: the service desk approves an attempt by its reference (ADR 0025). */
    assisted: z
      .object({
        /** Off: the app offers no desk approval, and the desk cannot approve attempts. */
        enabled: z.boolean().default(true),
        /** Seconds a reference can be approved (never past its attempt's end). */
        referenceValidSeconds: z.number().int().min(60).max(1800).default(600),
        /** References a holder may ask for in one attempt; each new one replaces the last. */
        maxReferencesPerAttempt: z.number().int().min(1).max(10).default(3),
        /** Seconds the app waits between two questions whether the desk has approved. */
        pollSeconds: z.number().int().min(1).max(60).default(5),
        /** References naming nothing an operator may type in a reference's life, then waits. */
        maxMissesPerOperator: z.number().int().min(1).max(100).default(10),
      })
      .strict()
      .default({
        enabled: true,
        referenceValidSeconds: 600,
        maxReferencesPerAttempt: 3,
        pollSeconds: 5,
        maxMissesPerOperator: 10,
      }),
  })
  .strict();

/** The parsed security policy. */
export type SecurityPolicy = z.infer<typeof securityPolicySchema>;

/** The brief's defaults. */
export const DEFAULT_SECURITY_POLICY: SecurityPolicy = securityPolicySchema.parse({});
