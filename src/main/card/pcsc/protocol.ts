import { z } from 'zod';
import {
  CARD_ERROR_TO_APP_ERROR,
  type CardError,
  type CardErrorCode,
  type ReaderEvent,
} from '../types';

/**
 * The messages between the PC/SC adapter (caller's thread) and its worker thread, which owns the
 * native binding. Both sides parse what they receive: a message that does not parse is a bug
 * reported as an `io` error, never trusted.
 */

const cardErrorCodes = Object.keys(CARD_ERROR_TO_APP_ERROR) as [CardErrorCode, ...CardErrorCode[]];

const bytes = z.custom<Uint8Array>((value) => value instanceof Uint8Array, 'expected bytes');
const id = z.number().int().nonnegative();
const handle = z.number().int().nonnegative();
const readerName = z.string().min(1).max(400);

/** A card error as it crosses the thread boundary. */
export const cardErrorSchema: z.ZodType<CardError> = z
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
export const readerEventSchema: z.ZodType<ReaderEvent> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('service-down') }).strict(),
  z.object({ kind: z.literal('service-up') }).strict(),
  z.object({ kind: z.literal('readers-changed'), readers: z.array(readerInfoSchema) }).strict(),
  z.object({ kind: z.literal('card-inserted'), reader: readerName, atr: bytes }).strict(),
  z.object({ kind: z.literal('card-removed'), reader: readerName }).strict(),
]);

/** What the adapter asks of the worker. */
export const workerRequestSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('list'), id }).strict(),
  z.object({ type: z.literal('connect'), id, reader: readerName }).strict(),
  z.object({ type: z.literal('transmit'), id, handle, command: bytes }).strict(),
  z.object({ type: z.literal('disconnect'), id, handle }).strict(),
  z.object({ type: z.literal('close'), id }).strict(),
]);
export type WorkerRequest = z.infer<typeof workerRequestSchema>;

/** What the worker tells the adapter: start-up, replies by request id, and reader events. */
export const workerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('started') }).strict(),
  z.object({ type: z.literal('binding-missing'), detail: z.string().max(2000) }).strict(),
  z.object({ type: z.literal('readers'), id, readers: z.array(readerInfoSchema) }).strict(),
  z.object({ type: z.literal('connected'), id, handle, atr: bytes }).strict(),
  z.object({ type: z.literal('response'), id, response: bytes }).strict(),
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
