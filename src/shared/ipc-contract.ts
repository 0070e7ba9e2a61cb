import { z } from 'zod';
import { diagnosticsReportSchema } from './diagnostics-report';
import { appErrorSchema, type AppError } from './errors';
import { helpContactsSchema } from './help';
import { codeDeliverySchema, questionIdSchema, questionSchema } from './http-api';
import { ANSWER_MAX_LENGTH, QUESTIONS_REQUIRED } from './limits';
import { passcodePolicyNameSchema } from './passcode-policy';
import type { Result } from './result';

/**
 * The contract between the renderer and the main process: every channel once, as
 * `namespace:action` with its zod request and response. Both sides parse with these schemas, and
 * the same contract is carried by Electron IPC in the app and by the loopback bridge in browser
 * mode. The renderer never sees the card or a secret after use: it sees names, questions,
 * progress and errors.
 */

/** The reader and card as the start screen shows them. */
const readerStatusSchema = z
  .object({
    state: z.enum(['service-down', 'no-reader', 'no-card', 'choose-reader', 'card-present']),
    readers: z
      .array(z.object({ name: z.string().max(200), hasCard: z.boolean() }).strict())
      .max(16),
    selectedReader: z.string().max(200).nullable(),
    mock: z.boolean(),
  })
  .strict();
export type ReaderStatus = z.infer<typeof readerStatusSchema>;

/**
 * One answer as the holder typed it: the main process trims and checks it with the HTTP API's
 * `answerSchema` before it leaves, and names the field at fault.
 */
const answerInputSchema = z
  .object({ questionId: questionIdSchema, answer: z.string().max(ANSWER_MAX_LENGTH) })
  .strict();
export type AnswerInput = z.infer<typeof answerInputSchema>;

const answersInputSchema = z
  .object({
    answers: z.array(answerInputSchema).min(QUESTIONS_REQUIRED.min).max(QUESTIONS_REQUIRED.max),
  })
  .strict();

/** A long-running step the screen shows progress for. */
const progressStepSchema = z.enum([
  'reading-card',
  'proving-card',
  'checking-answers',
  'sending-code',
  'checking-code',
  'unlocking-card',
  'checking-passcode',
  'registering',
]);
export type ProgressStep = z.infer<typeof progressStepSchema>;

/** What the wizard shows: one step of a flow, as data. Secrets never appear here. */
export const flowViewSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('idle') }).strict(),
  z.object({ kind: z.literal('busy'), step: progressStepSchema }).strict(),
  z
    .object({
      kind: z.literal('unlock-questions'),
      holderName: z.string(),
      questions: z.array(questionSchema),
      answerTriesLeft: z.number().int().nonnegative(),
      error: appErrorSchema.optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('unlock-code'),
      /** Null when the first email could not be sent: the screen offers Resend. */
      delivery: codeDeliverySchema.nullable(),
      error: appErrorSchema.optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('unlock-new-passcode'),
      policy: passcodePolicyNameSchema,
      error: appErrorSchema.optional(),
    })
    .strict(),
  z.object({ kind: z.literal('unlock-done'), holderName: z.string() }).strict(),
  z
    .object({
      kind: z.literal('register-questions'),
      holderName: z.string(),
      maskedEmail: z.string(),
      catalogue: z.array(questionSchema),
      questionsRequired: z.number().int().min(QUESTIONS_REQUIRED.min).max(QUESTIONS_REQUIRED.max),
      error: appErrorSchema.optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('register-code'),
      delivery: codeDeliverySchema.nullable(),
      error: appErrorSchema.optional(),
    })
    .strict(),
  z.object({ kind: z.literal('register-done'), holderName: z.string() }).strict(),
  z.object({ kind: z.literal('failed'), error: appErrorSchema, canRetry: z.boolean() }).strict(),
]);
export type FlowView = z.infer<typeof flowViewSchema>;

/** Facts about the app the screens need. */
const appInfoSchema = z
  .object({
    version: z.string(),
    passcodePolicy: passcodePolicyNameSchema,
    mockReader: z.boolean(),
    development: z.boolean(),
    /** The desk the screens name (helpPhone, helpWalkIn); null when the settings could not be read. */
    help: helpContactsSchema.nullable(),
  })
  .strict();
export type AppInfo = z.infer<typeof appInfoSchema>;

const empty = z.object({}).strict();

/** Every request/response channel. */
export const IPC_INVOKE = {
  'app:get-info': { method: 'appGetInfo', request: empty, response: appInfoSchema },
  /** The service desk's report (the same collector as `--diagnostics`); takes seconds. */
  'app:get-diagnostics': {
    method: 'appGetDiagnostics',
    request: empty,
    response: diagnosticsReportSchema,
  },
  'reader:get-status': { method: 'readerGetStatus', request: empty, response: readerStatusSchema },
  'reader:choose': {
    method: 'readerChoose',
    request: z.object({ readerName: z.string().min(1).max(200) }).strict(),
    response: readerStatusSchema,
  },
  'flow:get-view': { method: 'flowGetView', request: empty, response: flowViewSchema },
  'unlock:start': { method: 'unlockStart', request: empty, response: flowViewSchema },
  'unlock:answer': {
    method: 'unlockAnswer',
    request: answersInputSchema,
    response: flowViewSchema,
  },
  'unlock:resend-code': { method: 'unlockResendCode', request: empty, response: flowViewSchema },
  'unlock:submit-code': {
    method: 'unlockSubmitCode',
    request: z.object({ code: z.string().max(64) }).strict(),
    response: flowViewSchema,
  },
  'unlock:set-passcode': {
    method: 'unlockSetPasscode',
    request: z.object({ passcode: z.string().max(64), confirmation: z.string().max(64) }).strict(),
    response: flowViewSchema,
  },
  'register:start': {
    method: 'registerStart',
    request: z.object({ passcode: z.string().max(64) }).strict(),
    response: flowViewSchema,
  },
  'register:answer': {
    method: 'registerAnswer',
    request: answersInputSchema,
    response: flowViewSchema,
  },
  'register:resend-code': {
    method: 'registerResendCode',
    request: empty,
    response: flowViewSchema,
  },
  'register:submit-code': {
    method: 'registerSubmitCode',
    request: z.object({ code: z.string().max(64) }).strict(),
    response: flowViewSchema,
  },
  'flow:cancel': { method: 'flowCancel', request: empty, response: flowViewSchema },
  'mock:control': {
    method: 'mockControl',
    request: z.object({ action: z.enum(['insert', 'remove', 'lock']) }).strict(),
    response: readerStatusSchema,
  },
} as const;

/** Every main-to-renderer event. */
export const IPC_EVENTS = {
  'reader:status-changed': { method: 'onReaderStatusChanged', payload: readerStatusSchema },
  'flow:view-changed': { method: 'onFlowViewChanged', payload: flowViewSchema },
} as const;

export type InvokeChannel = keyof typeof IPC_INVOKE;
export type EventChannel = keyof typeof IPC_EVENTS;
export type InvokeRequest<C extends InvokeChannel> = z.input<(typeof IPC_INVOKE)[C]['request']>;
export type InvokeResponse<C extends InvokeChannel> = z.output<(typeof IPC_INVOKE)[C]['response']>;
export type EventPayload<C extends EventChannel> = z.output<(typeof IPC_EVENTS)[C]['payload']>;

/** What every invoke returns: a value, or an error as a value (never a thrown error across IPC). */
export type IpcResult<T> = Result<T, AppError>;

/**
 * The API the preload exposes on `window.api`: one named function per invoke channel (for example
 * `unlockSubmitCode`), and one subscriber per event (`onFlowViewChanged`) that returns its
 * unsubscribe function. Nothing else, and never the IPC event.
 */
export type RendererApi = {
  readonly [C in InvokeChannel as (typeof IPC_INVOKE)[C]['method']]: (
    request: InvokeRequest<C>,
  ) => Promise<IpcResult<InvokeResponse<C>>>;
} & {
  readonly [C in EventChannel as (typeof IPC_EVENTS)[C]['method']]: (
    listener: (payload: EventPayload<C>) => void,
  ) => () => void;
};
