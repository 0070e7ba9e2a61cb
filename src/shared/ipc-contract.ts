import { z } from 'zod';
import { diagnosticsReportSchema } from './diagnostics-report-schema';
import { appErrorSchema } from './error-schema';
import type { AppError } from './errors';
import { helpContactsSchema } from './help-schema';
import {
  assistedReferenceSchema,
  codeDeliverySchema,
  contactSchema,
  deliveryChannelSchema,
  questionIdSchema,
  questionSchema,
  unlockServiceResponseSchema,
} from './http-api';
import { ANSWER_MAX_LENGTH, QUESTIONS_REQUIRED } from './limits';
import { passcodePolicyNameSchema } from './passcode-policy-schema';
import type { Result } from './result';

// The renderer–main contract: every channel once, as `namespace:action` with its zod request and
// response, parsed on both sides and carried by Electron IPC or the browser bridge alike. The
// renderer sees names, questions, progress and errors: never the card or a secret after use.

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
  'changing-passcode',
  'asking-desk',
]);
export type ProgressStep = z.infer<typeof progressStepSchema>;

/** The holder's contacts, masked, in the server's order. */
const holderContactsSchema = z.array(contactSchema).min(1).max(2);

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
  // Where the code goes: the holder's choice of two contacts; with one, the app sends it once the
  // holder has confirmed the card. A failed send returns here with its error.
  z
    .object({
      kind: z.literal('unlock-channel'),
      holderName: z.string(),
      contacts: holderContactsSchema,
      error: appErrorSchema.optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('unlock-code'),
      /** Null when the first message could not be sent: the screen offers Resend. */
      delivery: codeDeliverySchema.nullable(),
      /** Every way the holder can get a code: with two, the screen offers the other one. */
      contacts: holderContactsSchema,
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
  // The desk's approval (ADR 0025): the reference to read aloud while the app waits, or, expired,
  // the offer of a new one (none when `referencesLeft` is 0).
  z
    .object({
      kind: z.literal('unlock-approval'),
      status: z.enum(['waiting', 'expired']),
      reference: assistedReferenceSchema,
      expiresAt: z.iso.datetime(),
      referencesLeft: z.number().int().nonnegative(),
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
      /** The holder is registered already: the screen warns that their answers will be replaced. */
      alreadyRegistered: z.boolean(),
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
  z
    .object({
      kind: z.literal('change-passcode'),
      policy: passcodePolicyNameSchema,
      /** The card's passcode tries left, read without spending one: at 1 the holder is warned. */
      triesLeft: z.number().int().min(1).max(15),
      error: appErrorSchema.optional(),
    })
    .strict(),
  z.object({ kind: z.literal('change-done') }).strict(),
  // The card was removed where the attempt can wait: the same card and Continue resume it.
  z.object({ kind: z.literal('reinsert-card'), error: appErrorSchema.optional() }).strict(),
  z
    .object({
      kind: z.literal('failed'),
      error: appErrorSchema,
      canRetry: z.boolean(),
      /** Self-service refused, but the attempt is kept: the screen offers the desk's approval. */
      assistedUnlock: z.literal(true).optional(),
    })
    .strict(),
]);
export type FlowView = z.infer<typeof flowViewSchema>;

/** The flows the app runs; each is a list of steps (`flow:get-steps`). */
const flowNameSchema = z.enum(['unlock', 'register', 'change', 'forgotten']);
export type FlowName = z.infer<typeof flowNameSchema>;

/** One step of a flow as the screens follow it, in the order the main process runs them. */
const flowStepSchema = z
  .object({
    /** The view that asks for the step; null for a flow's first step, asked for from no view. */
    view: z
      .enum([
        'unlock-questions',
        'unlock-channel',
        'unlock-code',
        'unlock-new-passcode',
        'unlock-approval',
        'register-questions',
        'register-code',
        'change-passcode',
      ])
      .nullable(),
    /** What the screen collects before sending the step: nothing, or the card's passcode. */
    input: z.enum(['none', 'passcode']),
    /** Whether the holder confirms the card is theirs on a screen of its own before the form. */
    confirmHolder: z.boolean(),
    /** The progress shown as soon as the step is sent, until the main process shows its own. */
    progress: progressStepSchema,
  })
  .strict();
export type FlowStep = z.infer<typeof flowStepSchema>;

/** A flow's steps in order, and the view that ends it. */
const flowStepListSchema = z
  .object({
    flow: flowNameSchema,
    steps: z.array(flowStepSchema).min(1).max(12),
    done: z.enum(['unlock-done', 'register-done', 'change-done']),
  })
  .strict();
export type FlowStepList = z.infer<typeof flowStepListSchema>;

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

/** How the server checks holders, and the channels it sends codes on. */
export type UnlockService = z.infer<typeof unlockServiceResponseSchema>;

const empty = z.object({}).strict();

/** The channel a code is to be sent by. */
const sendCodeSchema = z.object({ channel: deliveryChannelSchema }).strict();

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
  /** How the server checks holders (`GET /v1/unlock/service`), for the start screen's wording. */
  'flow:get-service': {
    method: 'flowGetService',
    request: empty,
    response: unlockServiceResponseSchema,
  },
  /** Every flow's list of steps: the screens follow it rather than an order of their own. */
  'flow:get-steps': {
    method: 'flowGetSteps',
    request: empty,
    response: z.array(flowStepListSchema).max(8),
  },
  'unlock:start': { method: 'unlockStart', request: empty, response: flowViewSchema },
  'unlock:answer': {
    method: 'unlockAnswer',
    request: answersInputSchema,
    response: flowViewSchema,
  },
  /** Sends the code by a channel: the holder's choice, a retry of a failed send, or another way. */
  'unlock:send-code': {
    method: 'unlockSendCode',
    request: sendCodeSchema,
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
  /** Asks the desk to approve this unlock: a reference to read aloud, then the app waits. */
  'unlock:ask-desk': { method: 'unlockAskDesk', request: empty, response: flowViewSchema },
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
  /** A forgotten passcode on a card that is not locked: the unlock's verification, then the reset. */
  'forgotten:start': { method: 'forgottenStart', request: empty, response: flowViewSchema },
  'forgotten:answer': {
    method: 'forgottenAnswer',
    request: answersInputSchema,
    response: flowViewSchema,
  },
  'forgotten:send-code': {
    method: 'forgottenSendCode',
    request: sendCodeSchema,
    response: flowViewSchema,
  },
  'forgotten:resend-code': {
    method: 'forgottenResendCode',
    request: empty,
    response: flowViewSchema,
  },
  'forgotten:submit-code': {
    method: 'forgottenSubmitCode',
    request: z.object({ code: z.string().max(64) }).strict(),
    response: flowViewSchema,
  },
  'forgotten:set-passcode': {
    method: 'forgottenSetPasscode',
    request: z.object({ passcode: z.string().max(64), confirmation: z.string().max(64) }).strict(),
    response: flowViewSchema,
  },
  'forgotten:ask-desk': { method: 'forgottenAskDesk', request: empty, response: flowViewSchema },
  'change:start': { method: 'changeStart', request: empty, response: flowViewSchema },
  /** The current passcode and the new one twice; `spendLastTry` is the holder's consent at 1 try. */
  'change:submit-passcodes': {
    method: 'changeSubmitPasscodes',
    request: z
      .object({
        current: z.string().max(64),
        passcode: z.string().max(64),
        confirmation: z.string().max(64),
        spendLastTry: z.boolean(),
      })
      .strict(),
    response: flowViewSchema,
  },
  'flow:cancel': { method: 'flowCancel', request: empty, response: flowViewSchema },
  /** Continue once the card is back: the same card resumes the paused attempt. */
  'flow:resume': { method: 'flowResume', request: empty, response: flowViewSchema },
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

/** Every invoke channel's name. */
export type InvokeChannel = keyof typeof IPC_INVOKE;
/** Every event channel's name. */
export type EventChannel = keyof typeof IPC_EVENTS;
/** What a channel's caller sends (before parsing). */
export type InvokeRequest<C extends InvokeChannel> = z.input<(typeof IPC_INVOKE)[C]['request']>;
/** What a channel answers (after parsing). */
export type InvokeResponse<C extends InvokeChannel> = z.output<(typeof IPC_INVOKE)[C]['response']>;
/** What an event carries (after parsing). */
export type EventPayload<C extends EventChannel> = z.output<(typeof IPC_EVENTS)[C]['payload']>;

/** A flow step's action: its channel after `<flow>:` (`unlock:submit-code` → `submit-code`). */
export type FlowAction = InvokeChannel extends infer C
  ? C extends `${FlowName}:${infer A}`
    ? A
    : never
  : never;

/** The request of a flow's action, whichever flow sends it. */
export type FlowActionRequest<A extends FlowAction> = InvokeRequest<
  Extract<InvokeChannel, `${FlowName}:${A}`>
>;

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
