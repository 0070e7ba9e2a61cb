import { describe, expect, it } from 'vitest';
import {
  workerDataSchema,
  workerMessageSchema,
  workerRequestSchema,
} from '../../../../../src/main/card/pcsc/protocol';

describe('the PC/SC worker protocol', () => {
  it('accepts a transmit request carrying bytes', () => {
    const request = { type: 'transmit', id: 3, handle: 1, command: Uint8Array.of(0, 0xa4, 4, 0) };
    expect(workerRequestSchema.parse(request)).toEqual(request);
  });

  it('rejects a command that is not bytes, an unknown request and extra fields', () => {
    expect(
      workerRequestSchema.safeParse({ type: 'transmit', id: 3, handle: 1, command: [0, 1] })
        .success,
    ).toBe(false);
    expect(workerRequestSchema.safeParse({ type: 'format-disk', id: 1 }).success).toBe(false);
    expect(workerRequestSchema.safeParse({ type: 'list', id: 1, extra: true }).success).toBe(false);
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
