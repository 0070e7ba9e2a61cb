import { describe, expect, it } from 'vitest';
import { dispatchInvoke, type InvokeHandlers } from '../../../../src/main/ipc/dispatch';
import { isTrustedSenderUrl } from '../../../../src/main/ipc/trusted-sender';
import {
  IPC_EVENTS,
  IPC_INVOKE,
  type FlowView,
  type ReaderStatus,
} from '../../../../src/shared/ipc-contract';
import { SAMPLE_DIAGNOSTICS_REPORT } from '../../../support/sample-diagnostics-report';

const idle: FlowView = { kind: 'idle' };
const reader: ReaderStatus = { state: 'no-card', readers: [], selectedReader: null, mock: true };
const ok = <T>(value: T) => ({ ok: true as const, value });

/** Handlers that answer every channel, recording what they were called with. */
function handlers(calls: unknown[] = []): InvokeHandlers {
  const flow = (request: unknown) => {
    calls.push(request);
    return ok(idle);
  };
  return {
    'app:get-info': () =>
      ok({
        version: '0.1.0',
        passcodePolicy: 'printable-4-8',
        mockReader: true,
        development: true,
        help: null,
      }),
    'app:get-diagnostics': () => ok(SAMPLE_DIAGNOSTICS_REPORT),
    'reader:get-status': () => ok(reader),
    'reader:choose': () => ok(reader),
    'flow:get-view': flow,
    'flow:get-steps': () => ok([]),
    'flow:get-service': () => ok({ verification: 'code-only', channels: ['sms'] }),
    'unlock:start': flow,
    'unlock:answer': flow,
    'unlock:send-code': flow,
    'unlock:resend-code': flow,
    'unlock:submit-code': flow,
    'unlock:set-passcode': flow,
    'unlock:ask-desk': flow,
    'register:start': flow,
    'register:answer': flow,
    'register:resend-code': flow,
    'register:submit-code': flow,
    'forgotten:start': flow,
    'forgotten:answer': flow,
    'forgotten:send-code': flow,
    'forgotten:resend-code': flow,
    'forgotten:submit-code': flow,
    'forgotten:set-passcode': flow,
    'forgotten:ask-desk': flow,
    'change:start': flow,
    'change:submit-passcodes': flow,
    'flow:cancel': flow,
    'flow:resume': flow,
    'mock:control': () => ok(reader),
  };
}

describe('IPC dispatch', () => {
  it('when the request is valid, then the handler gets the parsed request and its value comes back', async () => {
    const calls: unknown[] = [];
    const result = await dispatchInvoke(handlers(calls), 'unlock:submit-code', {
      code: 'ABCD2345',
    });
    expect(result).toEqual({ ok: true, value: idle });
    expect(calls).toEqual([{ code: 'ABCD2345' }]);
  });

  it('when the channel is not in the contract, then it is refused without calling anything', async () => {
    const calls: unknown[] = [];
    const result = await dispatchInvoke(handlers(calls), 'shell:exec', { command: 'rm -rf /' });
    expect(result.ok).toBe(false);
    expect(calls).toEqual([]);
  });

  it('when the payload is malformed or has extra fields, then it is refused before the handler', async () => {
    const calls: unknown[] = [];
    expect((await dispatchInvoke(handlers(calls), 'unlock:submit-code', { code: 42 })).ok).toBe(
      false,
    );
    expect(
      (await dispatchInvoke(handlers(calls), 'unlock:submit-code', { code: 'A', extra: 1 })).ok,
    ).toBe(false);
    expect(calls).toEqual([]);
  });

  it('when the payload nests or spreads past the limits, is cyclic, or shares a reference, then it is refused before the schema or the handler', async () => {
    const calls: unknown[] = [];
    let deep: unknown = 'ABCD2345';
    for (let i = 0; i < 100_000; i += 1) deep = [deep];
    const cyclic: Record<string, unknown> = { code: 'ABCD2345' };
    cyclic.self = cyclic;
    const shared = { a: 1 };
    const wide = { code: Array.from({ length: 100_000 }, () => 'x') };
    for (const payload of [
      { code: deep },
      wide,
      cyclic,
      { code: 'ABCD2345', x: shared, y: shared },
    ]) {
      expect(await dispatchInvoke(handlers(calls), 'unlock:submit-code', payload)).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION_FAILED', details: { field: 'request' } },
      });
    }
    expect(calls).toEqual([]);
  });

  it('when a handler returns something outside the contract (a secret field), then it does not reach the renderer', async () => {
    const leaky = {
      ...handlers(),
      'flow:get-view': () => ok({ kind: 'idle', puk: '12345678' }),
    } as unknown as InvokeHandlers;
    const result = await dispatchInvoke(leaky, 'flow:get-view', {});
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: 'INTERNAL' }) });
  });

  it('when a handler throws, then the renderer gets an INTERNAL error value, not the exception', async () => {
    const throwing = {
      ...handlers(),
      'flow:cancel': () => {
        throw new Error('secret detail');
      },
    } as InvokeHandlers;
    const result = await dispatchInvoke(throwing, 'flow:cancel', {});
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: 'INTERNAL' }) });
    expect(JSON.stringify(result)).not.toContain('secret detail');
  });

  it('gives every channel and event a distinct preload method name', () => {
    const names = [...Object.values(IPC_INVOKE), ...Object.values(IPC_EVENTS)].map(
      (spec) => spec.method,
    );
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('trusted sender', () => {
  const origins = ['app://renderer', 'http://127.0.0.1:5173'];

  it('trusts our own renderer', () => {
    expect(isTrustedSenderUrl('app://renderer/index.html', origins)).toBe(true);
    expect(isTrustedSenderUrl('http://127.0.0.1:5173/#/start', origins)).toBe(true);
  });

  it.each([
    undefined,
    '',
    'not a url',
    'https://evil.example/',
    'http://127.0.0.1:5174/',
    'app://renderer.evil/',
    'file:///etc/passwd',
  ])('refuses %j', (url) => {
    expect(isTrustedSenderUrl(url, origins)).toBe(false);
  });
});
