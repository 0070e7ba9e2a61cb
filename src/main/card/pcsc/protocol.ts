import { z } from 'zod';
import {
  CARD_ERROR_TO_APP_ERROR,
  type CardError,
  type CardErrorCode,
  type PivOperation,
  type PivOutcomes,
  type ReaderEvent,
} from '../types';

/** The messages between the PC/SC adapter and its worker thread; both sides parse what they receive. */

const cardErrorCodes = Object.keys(CARD_ERROR_TO_APP_ERROR) as [CardErrorCode, ...CardErrorCode[]];

const bytes = z.custom<Uint8Array>((value) => value instanceof Uint8Array, 'expected bytes');
const id = z.number().int().nonnegative();
const handle = z.number().int().nonnegative();
const readerName = z.string().min(1).max(400);

/** The longest command APDU: header, extended Lc, 65535 bytes of data, extended Le. */
export const MAX_COMMAND_BYTES = 4 + 3 + 65535 + 2;
/** The longest response APDU: 65536 bytes of data (extended Le 0000) and the status word. */
export const MAX_RESPONSE_BYTES = 65536 + 2;

const commandBytes = bytes.refine(
  (value) => value.length >= 1 && value.length <= MAX_COMMAND_BYTES,
  'a command APDU is 1 to 65544 bytes',
);
const responseBytes = bytes.refine(
  (value) => value.length >= 2 && value.length <= MAX_RESPONSE_BYTES,
  'a response APDU is 2 to 65538 bytes',
);

/** A card error as it crosses the thread boundary. */
const cardErrorSchema: z.ZodType<CardError> = z
  .object({
    code: z.enum(cardErrorCodes),
    triesLeft: z.number().int().nonnegative().optional(),
    statusWord: z.number().int().nonnegative().optional(),
    detail: z.string().max(1000).optional(),
  })
  .strict();

const readerInfoSchema = z
  .object({ name: readerName, hasCard: z.boolean(), atr: bytes.optional() })
  .strict();

/** A reader event as it crosses the thread boundary. */
const readerEventSchema: z.ZodType<ReaderEvent> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('service-down') }).strict(),
  z.object({ kind: z.literal('service-up') }).strict(),
  z.object({ kind: z.literal('readers-changed'), readers: z.array(readerInfoSchema) }).strict(),
  z.object({ kind: z.literal('card-inserted'), reader: readerName, atr: bytes }).strict(),
  z.object({ kind: z.literal('card-removed'), reader: readerName }).strict(),
]);

/** A passcode or PUK as PivClient sends it (it refuses others before they leave). */
const reference = z.string().regex(/^[\x20-\x7e]{1,8}$/);
const slot = z.enum(['9A', '9E']);

/** A whole PIV operation for the worker to run on an open card. */
const pivOperationSchema: z.ZodType<PivOperation> = z.discriminatedUnion('op', [
  z.object({ op: z.literal('select') }).strict(),
  z.object({ op: z.literal('identify') }).strict(),
  z.object({ op: z.literal('readCardId') }).strict(),
  z.object({ op: z.literal('readCertificate'), slot }).strict(),
  z.object({ op: z.literal('passcodeStatus') }).strict(),
  z.object({ op: z.literal('verifyPasscode'), passcode: reference }).strict(),
  z
    .object({
      op: z.literal('changePasscode'),
      current: reference,
      next: reference,
      spendLastTry: z.boolean(),
    })
    .strict(),
  z.object({ op: z.literal('changePuk'), current: reference, next: reference }).strict(),
  z.object({ op: z.literal('resetRetryCounter'), puk: reference, newPasscode: reference }).strict(),
  z
    .object({
      op: z.literal('sign'),
      slot,
      digest: bytes.refine((value) => value.length === 32, 'a SHA-256 digest'),
    })
    .strict(),
  z
    .object({
      op: z.literal('unblock'),
      puk: reference,
      unconfirmedPuk: reference.nullable(),
      nextPuk: reference,
      passcode: reference,
    })
    .strict(),
]);

const result = <T extends z.ZodType>(value: T) =>
  z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }).strict(),
    z.object({ ok: z.literal(false), error: cardErrorSchema }).strict(),
  ]);
const done = result(z.undefined());
const cardId = z.string().regex(/^[0-9a-f]{32}$/);
const passcodeTries = z.number().int().min(0).max(15);

/** What each operation may answer, checked when the answer arrives. */
export const pivOutcomeSchemas: { readonly [K in keyof PivOutcomes]: z.ZodType<PivOutcomes[K]> } = {
  select: done,
  identify: result(z.object({ cardId, blocked: z.boolean(), triesLeft: passcodeTries }).strict()),
  readCardId: result(cardId),
  readCertificate: result(bytes),
  passcodeStatus: result(z.object({ blocked: z.boolean(), triesLeft: passcodeTries }).strict()),
  verifyPasscode: done,
  changePasscode: done,
  changePuk: done,
  resetRetryCounter: done,
  sign: result(bytes),
  unblock: z.discriminatedUnion('done', [
    z.object({ done: z.literal('verified') }).strict(),
    z
      .object({
        done: z.enum(['nothing', 'puk-rotated', 'passcode-reset']),
        error: cardErrorSchema,
      })
      .strict(),
  ]),
};

const unblockStep = z.enum(['puk-rotated', 'passcode-reset']);

/** What the adapter asks of the worker. */
export const workerRequestSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('list'), id }).strict(),
  z.object({ type: z.literal('connect'), id, reader: readerName }).strict(),
  z.object({ type: z.literal('transmit'), id, handle, command: commandBytes }).strict(),
  z
    .object({
      type: z.literal('piv'),
      id,
      handle,
      operation: pivOperationSchema,
      passcodeTriesWhenVerified: z.number().int().min(0).max(15),
    })
    .strict(),
  z.object({ type: z.literal('disconnect'), id, handle }).strict(),
  z.object({ type: z.literal('close'), id }).strict(),
]);
export type WorkerRequest = z.infer<typeof workerRequestSchema>;

/** Only the id of a request, to answer one that does not parse. */
export const requestIdSchema = z.object({ id });

/** What the worker tells the adapter: start-up, replies by request id, and reader events. */
export const workerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('started') }).strict(),
  z.object({ type: z.literal('binding-missing'), detail: z.string().max(2000) }).strict(),
  z.object({ type: z.literal('readers'), id, readers: z.array(readerInfoSchema) }).strict(),
  z.object({ type: z.literal('connected'), id, handle, atr: bytes }).strict(),
  z.object({ type: z.literal('response'), id, response: responseBytes }).strict(),
  // The outcome is checked against the operation's schema (pivOutcomeSchemas) by the adapter.
  z.object({ type: z.literal('piv-done'), id, outcome: z.unknown() }).strict(),
  z.object({ type: z.literal('piv-step'), id, step: unblockStep }).strict(),
  z.object({ type: z.literal('done'), id }).strict(),
  z.object({ type: z.literal('failed'), id, error: cardErrorSchema }).strict(),
  // reportedAt: when the PC/SC status wait that revealed the event returned (epoch ms, bench/client).
  z
    .object({
      type: z.literal('event'),
      event: readerEventSchema,
      reportedAt: z.number().optional(),
    })
    .strict(),
]);
export type WorkerMessage = z.infer<typeof workerMessageSchema>;

/** What the adapter hands the worker at start. */
export const workerDataSchema = z
  .object({
    /** The module to load as the binding: `smartcard` except in tests of the missing-binding path. */
    bindingModule: z.string().min(1),
    /** How long one wait for reader changes lasts before the reader list is read again. */
    pollMs: z.number().int().min(50).max(60_000),
    /** How often to try the card service again while it is down. */
    retryMs: z.number().int().min(50).max(60_000),
    /** How long to watch a reader after a failed command before calling it a fault, not a removal. */
    settleMs: z.number().int().min(0).max(10_000),
  })
  .strict();
export type WorkerData = z.infer<typeof workerDataSchema>;
