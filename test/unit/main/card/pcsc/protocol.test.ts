import { describe, expect, it } from 'vitest';
import {
  LANE_BYTES,
  workerDataSchema,
  workerMessageSchema,
  workerRequestSchema,
} from '../../../../../src/main/card/pcsc/protocol';
import { createLaneBuffer } from '../../../../../src/main/card/pcsc/transmit-lane';

describe('the PC/SC worker protocol', () => {
  it('accepts a connect request carrying a transmit lane', () => {
    const request = { type: 'connect', id: 3, reader: 'R', lane: createLaneBuffer() };
    expect(workerRequestSchema.parse(request)).toEqual(request);
  });

  it('rejects a lane of the wrong size or not shared, an unknown request and extra fields', () => {
    const connect = (lane: unknown): boolean =>
      workerRequestSchema.safeParse({ type: 'connect', id: 3, reader: 'R', lane }).success;
    expect(connect(new SharedArrayBuffer(LANE_BYTES - 1))).toBe(false);
    expect(connect(new ArrayBuffer(LANE_BYTES))).toBe(false);
    expect(connect(undefined)).toBe(false);
    expect(workerRequestSchema.safeParse({ type: 'format-disk', id: 1 }).success).toBe(false);
    expect(workerRequestSchema.safeParse({ type: 'list', id: 1, extra: true }).success).toBe(false);
  });

  it('has no message for APDUs: they go through the lane', () => {
    const command = Uint8Array.of(0, 0xa4, 4, 0);
    expect(
      workerRequestSchema.safeParse({ type: 'transmit', id: 3, handle: 1, command }).success,
    ).toBe(false);
    expect(
      workerMessageSchema.safeParse({ type: 'response', id: 3, response: Uint8Array.of(0x90, 0) })
        .success,
    ).toBe(false);
  });

  it('accepts a failure only with a known card error code', () => {
    expect(
      workerMessageSchema.safeParse({ type: 'failed', id: 1, error: { code: 'card-removed' } })
        .success,
    ).toBe(true);
    expect(
      workerMessageSchema.safeParse({ type: 'failed', id: 1, error: { code: 'on-fire' } }).success,
    ).toBe(false);
  });

  it('accepts reader events of the card layer and nothing else', () => {
    const event = { kind: 'card-inserted', reader: 'R', atr: Uint8Array.of(0x3b) };
    expect(workerMessageSchema.parse({ type: 'event', event })).toEqual({ type: 'event', event });
    expect(
      workerMessageSchema.safeParse({
        type: 'event',
        event: { kind: 'card-inserted', reader: 'R' },
      }).success,
    ).toBe(false);
  });

  it('bounds the worker settings', () => {
    expect(
      workerDataSchema.safeParse({
        bindingModule: 'smartcard',
        pollMs: 0,
        retryMs: 100,
        settleMs: 0,
      }).success,
    ).toBe(false);
  });
});
