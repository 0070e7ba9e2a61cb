import { describe, expect, it } from 'vitest';
import {
  MAX_COMMAND_BYTES,
  MAX_RESPONSE_BYTES,
  pivOutcomeSchemas,
  workerDataSchema,
  workerMessageSchema,
  workerRequestSchema,
} from '../../../../../src/main/card/pcsc/protocol';

const piv = (operation: unknown): boolean =>
  workerRequestSchema.safeParse({
    type: 'piv',
    id: 4,
    handle: 1,
    operation,
    passcodeTriesWhenVerified: 3,
  }).success;

describe('the PC/SC worker protocol', () => {
  it('accepts a connect request by reader name, with nothing else', () => {
    const request = { type: 'connect', id: 3, reader: 'R' };
    expect(workerRequestSchema.parse(request)).toEqual(request);
    expect(workerRequestSchema.safeParse({ ...request, lane: new ArrayBuffer(8) }).success).toBe(
      false,
    );
    expect(workerRequestSchema.safeParse({ type: 'format-disk', id: 1 }).success).toBe(false);
    expect(workerRequestSchema.safeParse({ type: 'list', id: 1, extra: true }).success).toBe(false);
  });

  it('carries a raw APDU only of a length some APDU has, and a response only with a status word', () => {
    const transmit = (command: Uint8Array): boolean =>
      workerRequestSchema.safeParse({ type: 'transmit', id: 3, handle: 1, command }).success;
    expect(transmit(Uint8Array.of(0, 0xa4, 4, 0))).toBe(true);
    expect(transmit(new Uint8Array(0))).toBe(false);
    expect(transmit(new Uint8Array(MAX_COMMAND_BYTES + 1))).toBe(false);
    const response = (bytes: Uint8Array): boolean =>
      workerMessageSchema.safeParse({ type: 'response', id: 3, response: bytes }).success;
    expect(response(Uint8Array.of(0x90, 0))).toBe(true);
    expect(response(Uint8Array.of(0x90))).toBe(false);
    expect(response(new Uint8Array(MAX_RESPONSE_BYTES + 1))).toBe(false);
  });

  it('accepts the PIV operations with secrets as PivClient sends them, and nothing else', () => {
    expect(piv({ op: 'select' })).toBe(true);
    expect(piv({ op: 'verifyPasscode', passcode: '123456' })).toBe(true);
    expect(
      piv({
        op: 'unblock',
        puk: '12345678',
        unconfirmedPuk: null,
        nextPuk: '87654321',
        passcode: 'N3w!',
      }),
    ).toBe(true);
    const change = { op: 'changePasscode', current: '123456', next: 'N3w!', spendLastTry: false };
    expect(piv(change)).toBe(true);
    expect(piv({ ...change, spendLastTry: undefined })).toBe(false);
    expect(piv({ ...change, next: 'pässe' })).toBe(false);
    expect(piv({ op: 'verifyPasscode', passcode: '123456789' })).toBe(false);
    expect(piv({ op: 'verifyPasscode', passcode: 'pässe' })).toBe(false);
    expect(piv({ op: 'verifyPasscode', passcode: '' })).toBe(false);
    expect(piv({ op: 'sign', slot: '9E', digest: new Uint8Array(31) })).toBe(false);
    expect(piv({ op: 'sign', slot: '9C', digest: new Uint8Array(32) })).toBe(false);
    expect(piv({ op: 'select', extra: 1 })).toBe(false);
    expect(piv({ op: 'erase' })).toBe(false);
  });

  it('checks each operation outcome against that operation', () => {
    expect(
      pivOutcomeSchemas.readCardId.safeParse({ ok: true, value: 'a'.repeat(32) }).success,
    ).toBe(true);
    expect(pivOutcomeSchemas.readCardId.safeParse({ ok: true, value: 'not a guid' }).success).toBe(
      false,
    );
    expect(pivOutcomeSchemas.select.safeParse({ ok: true, value: 'surprise' }).success).toBe(false);
    expect(
      pivOutcomeSchemas.unblock.safeParse({ done: 'puk-rotated', error: { code: 'card-removed' } })
        .success,
    ).toBe(true);
    expect(pivOutcomeSchemas.unblock.safeParse({ done: 'puk-rotated' }).success).toBe(false);
    expect(
      pivOutcomeSchemas.passcodeStatus.safeParse({ ok: false, error: { code: 'on-fire' } }).success,
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
