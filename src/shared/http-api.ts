import { z } from 'zod';
import { cardIdSchema } from './card-identity';
import { appErrorSchema } from './error-schema';
import {
  ANSWER_MAX_LENGTH,
  CODE_LENGTH,
  EMAIL_MAX_LENGTH,
  HOLDER_NAME_MAX_LENGTH,
  normaliseUnlockCode,
  PUK_LENGTH,
  QUESTION_CATALOGUE_SIZE,
  QUESTION_ID_MAX_LENGTH,
  QUESTION_TEXT_MAX_LENGTH,
  QUESTIONS_REQUIRED,
  REFERENCE_ALPHABET,
  REFERENCE_LENGTH,
} from './limits';

/**
 * The verification server's HTTP API, version 1: one zod schema per body, shared by the server
 * (which validates requests and generates the OpenAPI document from these) and the desktop app
 * (which validates responses). Objects are strict: unknown fields are refused.
 */

/** Base64 (standard alphabet) of DER bytes: a signature or a certificate. */
const base64Der = z.base64().max(8192);

/** An attempt's opaque identifier, chosen by the server; the pattern is also the OpenAPI path's. */
export const ATTEMPT_ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;
/** An attempt identifier as a route parameter takes it. */
export const attemptIdSchema = z
  .string()
  .regex(ATTEMPT_ID_PATTERN, 'An attempt identifier is 16 to 64 URL-safe characters.');

/** A single-use challenge nonce, base64url, at least 128 bits. */
const nonceSchema = z.base64url().min(22).max(128);

/** A question's stable identifier. */
export const questionIdSchema = z.string().min(1).max(QUESTION_ID_MAX_LENGTH);

/** A question from the catalogue. */
export const questionSchema = z
  .object({ id: questionIdSchema, text: z.string().min(1).max(QUESTION_TEXT_MAX_LENGTH) })
  .strict();
export type Question = z.infer<typeof questionSchema>;

/** One answer to one question; normalised and hashed by the server, never stored in clear. */
export const answerSchema = z
  .object({
    questionId: questionIdSchema,
    answer: z.string().trim().min(1).max(ANSWER_MAX_LENGTH),
  })
  .strict();
export type Answer = z.infer<typeof answerSchema>;

/** How many questions are asked, and so answered, in one go. */
const questionCount = <T extends z.ZodArray>(items: T): T =>
  items.min(QUESTIONS_REQUIRED.min).max(QUESTIONS_REQUIRED.max);

/**
 * The one-time Smartcard Unlock Code as typed: spaces and hyphens ignored, case-insensitive, any
 * length the server may be set to use (the screen checks the length it was told in CodeDelivery).
 */
export const unlockCodeSchema = z.string().transform((typed, ctx) => {
  const code = normaliseUnlockCode(typed);
  if (code !== undefined) return code;
  ctx.addIssue({
    code: 'custom',
    input: typed,
    message: `A Smartcard Unlock Code is ${CODE_LENGTH.min} to ${CODE_LENGTH.max} letters and numbers.`,
  });
  return z.NEVER;
});

/** How the server checks a holder before an unlock (a server setting, `verification.model`). */
export const verificationModelSchema = z.enum(['questions-and-code', 'code-only']);
/** One of the verification models. */
export type VerificationModel = z.infer<typeof verificationModelSchema>;

/** How a code travels: email, or text message (GOV.UK Notify). */
export const deliveryChannelSchema = z.enum(['email', 'sms']);
/** One of the channels. */
export type DeliveryChannel = z.infer<typeof deliveryChannelSchema>;

/** An address as the screen shows it: `j****y@nhs.net` or `07*** ***321`; the server masks it. */
const maskedAddressSchema = z.string().min(3).max(EMAIL_MAX_LENGTH);

/** One way the holder can get a code: a channel and their address on it, masked. */
export const contactSchema = z
  .object({ channel: deliveryChannelSchema, maskedAddress: maskedAddressSchema })
  .strict();
export type Contact = z.infer<typeof contactSchema>;

/** Where a code was sent, how long it is, and when another can be asked for. */
export const codeDeliverySchema = z
  .object({
    channel: deliveryChannelSchema,
    maskedAddress: maskedAddressSchema,
    /** Characters in the code sent (the server's `security.code.length`), for the screen's hint. */
    codeLength: z.number().int().min(CODE_LENGTH.min).max(CODE_LENGTH.max),
    resendAvailableAt: z.iso.datetime(),
    sendsLeft: z.number().int().nonnegative(),
    /** The relay took the code but had not confirmed it in time: it may take a while. */
    delayed: z.literal(true).optional(),
  })
  .strict();
export type CodeDelivery = z.infer<typeof codeDeliverySchema>;

/** A PUK in transit from server to app (printable ASCII, usually digits). */
export const pukSchema = z
  .string()
  .regex(
    new RegExp(`^[\\x21-\\x7e]{${PUK_LENGTH.min},${PUK_LENGTH.max}}$`),
    `A PUK is ${PUK_LENGTH.min} to ${PUK_LENGTH.max} characters.`,
  );

/** A holder's name as the server gives it. */
const holderNameSchema = z.string().min(1).max(HOLDER_NAME_MAX_LENGTH);

// --- Unlock -----------------------------------------------------------------------------------

/** Starts an attempt (unlock or registration) for the card in the reader. */
export const startAttemptRequestSchema = z.object({ cardId: cardIdSchema }).strict();
/** A new attempt and its challenge: the nonce the card signs, and when each runs out. */
export const startAttemptResponseSchema = z
  .object({
    attemptId: attemptIdSchema,
    nonce: nonceSchema,
    nonceExpiresAt: z.iso.datetime(),
    expiresAt: z.iso.datetime(),
  })
  .strict();

/** A card's proof of presence: an ECDSA P-256 signature (DER) over `cardProofMessage(...)`. */
export const cardProofRequestSchema = z.object({ signature: base64Der }).strict();

/**
 * What the holder meets before the new passcode, in order: their security questions, the choice
 * of where the code goes (sent without a screen when there is one contact), the code.
 */
const VERIFICATION_STEPS = ['answers', 'channel', 'code'] as const;
/** One of the verification steps. */
export type VerificationStep = (typeof VERIFICATION_STEPS)[number];

/**
 * After the unlock proof: whose card it is, the steps this attempt takes (the server's model),
 * the holder's contacts in the server's order, and, when the model asks them, the questions.
 */
export const unlockProofResponseSchema = z
  .object({
    holderName: holderNameSchema,
    verification: verificationModelSchema,
    steps: z.array(z.enum(VERIFICATION_STEPS)).min(1).max(VERIFICATION_STEPS.length),
    contacts: z.array(contactSchema).min(1).max(2),
    /** Empty when the model asks none (`code-only`). */
    questions: z.array(questionSchema).max(QUESTIONS_REQUIRED.max),
    answerTriesLeft: z.number().int().nonnegative(),
  })
  .strict()
  .refine(
    (r) =>
      r.steps.includes('answers')
        ? r.questions.length >= QUESTIONS_REQUIRED.min
        : r.questions.length === 0,
    { message: 'Questions come with an answers step, and only then.', path: ['questions'] },
  );

/** Right answers: the code was sent, or, when the holder has a choice, the channel comes next. */
export const answersAcceptedSchema = z.union([
  codeDeliverySchema,
  z.object({ next: z.literal('channel') }).strict(),
]);

/** Sends a code by the channel the holder chose (the first code, or another way). */
export const channelRequestSchema = z.object({ channel: deliveryChannelSchema }).strict();

/** How this server checks holders: the start screen words itself by it. */
export const unlockServiceResponseSchema = z
  .object({
    verification: verificationModelSchema,
    channels: z.array(deliveryChannelSchema).min(1).max(2),
    /** Whether the holder may ask the service desk to approve an unlock (`security.assisted`). */
    assistedUnlock: z.boolean().optional(),
  })
  .strict();

/** The holder's answers, one to each question asked. */
export const answersRequestSchema = z
  .object({ answers: questionCount(z.array(answerSchema)) })
  .strict();

/** The one-time code as the holder typed it. */
export const codeRequestSchema = z.object({ code: unlockCodeSchema }).strict();

/**
 * A right unlock code: the attempt may now ask for the unblock authorisation, until `unblockBy`
 * (the end of the attempt). Nothing secret travels yet: the PUK waits until the new passcode is
 * known, so it lives in the app only for the card commands that use it.
 */
export const codeVerifiedResponseSchema = z
  .object({ unblockBy: z.iso.datetime({ offset: true }) })
  .strict();
export type CodeVerified = z.infer<typeof codeVerifiedResponseSchema>;

// --- Assisted unlock (docs/decisions/0025-assisted-unlock.md) ------------------------------------

const half = REFERENCE_LENGTH / 2;

/** An assisted unlock's reference as shown and read aloud: two groups of three, `4KF-92Q`. */
export const assistedReferenceSchema = z
  .string()
  .regex(new RegExp(`^[${REFERENCE_ALPHABET}]{${half}}-[${REFERENCE_ALPHABET}]{${half}}$`));

/** Seconds the app waits before asking again whether the desk has approved. */
const pollAfterSchema = z.number().int().min(1).max(60);

/** A reference for the desk: until when it can be approved, and how many more may be asked for. */
export const approvalIssuedSchema = z
  .object({
    reference: assistedReferenceSchema,
    expiresAt: z.iso.datetime(),
    pollAfterSeconds: pollAfterSchema,
    referencesLeft: z.number().int().nonnegative(),
  })
  .strict();
export type ApprovalIssued = z.infer<typeof approvalIssuedSchema>;

/**
 * Whether the desk has approved the attempt's latest reference: not yet (ask again after
 * `pollAfterSeconds`), approved (the unblock may follow, as after a right code), or expired.
 */
export const approvalStatusSchema = z.discriminatedUnion('status', [
  z
    .object({
      status: z.literal('pending'),
      expiresAt: z.iso.datetime(),
      pollAfterSeconds: pollAfterSchema,
    })
    .strict(),
  z.object({ status: z.literal('approved'), holderName: holderNameSchema }).strict(),
  z
    .object({ status: z.literal('expired'), referencesLeft: z.number().int().nonnegative() })
    .strict(),
]);
export type ApprovalStatus = z.infer<typeof approvalStatusSchema>;

/**
 * The unblock authorisation: the card's PUK, the fresh PUK to rotate to before the reset, and,
 * when a previous rotation was never confirmed, the PUK the card may already hold instead.
 */
export const unblockAuthorisationSchema = z
  .object({
    puk: pukSchema,
    unconfirmedPuk: pukSchema.nullable(),
    nextPuk: pukSchema,
  })
  .strict();
export type UnblockAuthorisation = z.infer<typeof unblockAuthorisationSchema>;

/** What the card did with the unblock, so the server can confirm or keep the PUK rotation. */
export const outcomeRequestSchema = z
  .object({
    outcome: z.enum(['unlocked', 'failed']),
    /** Which PUK the card holds now, as far as the app knows. */
    pukOnCard: z.enum(['next', 'previous', 'unknown']),
    failureCode: z.string().max(64).optional(),
    /** Why the holder reset their passcode: a locked card, or a forgotten passcode on one not locked. */
    purpose: z.enum(['unlock', 'forgotten']).optional(),
  })
  .strict();

// --- Registration -----------------------------------------------------------------------------

/** After the registration proof: the holder, where the code goes, and the questions to choose from. */
export const registrationProofResponseSchema = z
  .object({
    holderName: holderNameSchema,
    maskedEmail: maskedAddressSchema,
    catalogue: z
      .array(questionSchema)
      .min(QUESTION_CATALOGUE_SIZE.min)
      .max(QUESTION_CATALOGUE_SIZE.max),
    questionsRequired: z.number().int().min(QUESTIONS_REQUIRED.min).max(QUESTIONS_REQUIRED.max),
    /** Told only after the 9A proof: registering again replaces the holder's answers. */
    alreadyRegistered: z.boolean(),
  })
  .strict();

// --- Errors and health ------------------------------------------------------------------------

/** Every 4xx and 5xx body. */
export const errorResponseSchema = z.object({ error: appErrorSchema }).strict();
export type ErrorResponse = z.infer<typeof errorResponseSchema>;

/** Readiness and liveness: `ok`, or `unavailable` with the checks that failed. */
export const healthResponseSchema = z
  .object({
    status: z.enum(['ok', 'unavailable']),
    checks: z.record(z.string(), z.enum(['ok', 'failed'])).optional(),
  })
  .strict();

/** One route of the API: what the server mounts, documents and the client calls. */
export interface ApiRoute {
  readonly method: 'get' | 'post' | 'delete';
  readonly path: string;
  readonly summary: string;
  readonly request?: z.ZodType;
  readonly response?: z.ZodType;
}

/** The routes of /v1, in the order of the flows. Path parameters are written `{name}`. */
export const API_ROUTES = {
  unlockService: {
    method: 'get',
    path: '/v1/unlock/service',
    summary:
      'How this server checks a holder (verification model) and the channels it sends codes on, for the start screen.',
    response: unlockServiceResponseSchema,
  },
  unlockStart: {
    method: 'post',
    path: '/v1/unlock/attempts',
    summary:
      'Start an unlock attempt for any well-formed card id and get a nonce; only a verified proof tells about the card.',
    request: startAttemptRequestSchema,
    response: startAttemptResponseSchema,
  },
  unlockProof: {
    method: 'post',
    path: '/v1/unlock/attempts/{attemptId}/card-proof',
    summary:
      "Prove the card is present (9E signature); get the holder name and questions, or why the card cannot be unlocked. An unknown card's proof fails as a bad one.",
    request: cardProofRequestSchema,
    response: unlockProofResponseSchema,
  },
  unlockAnswers: {
    method: 'post',
    path: '/v1/unlock/attempts/{attemptId}/answers',
    summary:
      'Answer the security questions (questions-and-code model); when right, the code is sent, or the holder chooses where first.',
    request: answersRequestSchema,
    response: answersAcceptedSchema,
  },
  unlockChannel: {
    method: 'post',
    path: '/v1/unlock/attempts/{attemptId}/code/send',
    summary:
      'Send the code by the channel the holder chose: the first code (after the answers, or the proof under code-only), or again another way (rate limited as a resend).',
    request: channelRequestSchema,
    response: codeDeliverySchema,
  },
  unlockResend: {
    method: 'post',
    path: '/v1/unlock/attempts/{attemptId}/code/resend',
    summary: 'Send a new unlock code (rate limited; failure counts are kept).',
    response: codeDeliverySchema,
  },
  unlockCode: {
    method: 'post',
    path: '/v1/unlock/attempts/{attemptId}/code',
    summary: 'Check the unlock code; when right, the attempt may ask for the unblock.',
    request: codeRequestSchema,
    response: codeVerifiedResponseSchema,
  },
  unlockApproval: {
    method: 'post',
    path: '/v1/unlock/attempts/{attemptId}/approval',
    summary:
      "Ask the service desk to approve this attempt instead of answers and a code (after the card's proof): a short reference to read aloud, single use, short-lived; a new one replaces the last.",
    response: approvalIssuedSchema,
  },
  unlockApprovalStatus: {
    method: 'get',
    path: '/v1/unlock/attempts/{attemptId}/approval',
    summary:
      'Whether the desk has approved the latest reference: pending (ask again after pollAfterSeconds), approved (the unblock follows, as after a right code) or expired.',
    response: approvalStatusSchema,
  },
  unlockUnblock: {
    method: 'post',
    path: '/v1/unlock/attempts/{attemptId}/unblock',
    summary:
      'Get the unblock authorisation (PUK and next PUK) after the right code: released once per attempt, and given again to the same attempt (a lost answer) without counting again.',
    response: unblockAuthorisationSchema,
  },
  unlockOutcome: {
    method: 'post',
    path: '/v1/unlock/attempts/{attemptId}/outcome',
    summary: 'Report the outcome on the card; commits the PUK rotation and notifies the holder.',
    request: outcomeRequestSchema,
  },
  unlockCancel: {
    method: 'delete',
    path: '/v1/unlock/attempts/{attemptId}',
    summary: 'Cancel an unlock attempt.',
  },
  registerStart: {
    method: 'post',
    path: '/v1/registration/attempts',
    summary:
      'Start a registration for any well-formed card id and get a nonce; only a verified proof tells about the card.',
    request: startAttemptRequestSchema,
    response: startAttemptResponseSchema,
  },
  registerProof: {
    method: 'post',
    path: '/v1/registration/attempts/{attemptId}/card-proof',
    summary: 'Prove possession and passcode (9A signature); get the question catalogue.',
    request: cardProofRequestSchema,
    response: registrationProofResponseSchema,
  },
  registerAnswers: {
    method: 'post',
    path: '/v1/registration/attempts/{attemptId}/answers',
    summary: 'Choose and answer questions; a code is sent to confirm the address.',
    request: answersRequestSchema,
    response: codeDeliverySchema,
  },
  registerResend: {
    method: 'post',
    path: '/v1/registration/attempts/{attemptId}/code/resend',
    summary: 'Send a new confirmation code.',
    response: codeDeliverySchema,
  },
  registerCode: {
    method: 'post',
    path: '/v1/registration/attempts/{attemptId}/code',
    summary: 'Confirm the address with the code; the registration replaces any earlier one.',
    request: codeRequestSchema,
  },
  registerCancel: {
    method: 'delete',
    path: '/v1/registration/attempts/{attemptId}',
    summary: 'Cancel a registration attempt.',
  },
} as const satisfies Record<string, ApiRoute>;
