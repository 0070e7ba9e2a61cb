import { describe, expect, it } from 'vitest';
import type { InvokeHandlers } from '../../../../src/main/ipc/dispatch';
import { EventHub } from '../../../../src/main/ipc/event-hub';
import { guardedInvoke } from '../../../../src/main/ipc/guarded-invoke';
import { createInvokeHandlers } from '../../../../src/main/ipc/handlers/create-handlers';
import { appError } from '../../../../src/shared/errors';
import { SAMPLE_DIAGNOSTICS_REPORT } from '../../../support/sample-diagnostics-report';

const origins = ['app://renderer'];

/** Handlers whose flow steps record that they ran. */
function recordingHandlers(calls: string[]): InvokeHandlers {
  const view = { kind: 'idle' as const };
  const step = (name: string) => () => {
    calls.push(name);
    return Promise.resolve({ ok: true as const, value: view });
  };
  return createInvokeHandlers({
    info: {
      version: '0.1.0',
      passcodePolicy: 'printable-4-8',
      mockReader: false,
      development: false,
      help: null,
    },
    readers: {
      status: () => ({ state: 'no-card', readers: [], selectedReader: null, mock: false }),
      choose: () => Promise.reject(new Error('not used')),
      refresh: () => Promise.resolve(),
    },
    flows: {
      view: () => view,
      cancel: () => ({ ok: true, value: view }),
      resume: () => Promise.resolve({ ok: true as const, value: view }),
      service: () => Promise.resolve({ ok: false, error: appError('SERVER_UNREACHABLE') }),
      unlockStart: step('unlockStart'),
      unlockAnswer: step('unlockAnswer'),
      unlockSendCode: step('unlockSendCode'),
      unlockResendCode: step('unlockResendCode'),
      unlockSubmitCode: step('unlockSubmitCode'),
      unlockSetPasscode: step('unlockSetPasscode'),
      unlockAskDesk: step('unlockAskDesk'),
      registerStart: step('registerStart'),
      registerAnswer: step('registerAnswer'),
      registerResendCode: step('registerResendCode'),
      registerSubmitCode: step('registerSubmitCode'),
      forgottenStart: step('forgottenStart'),
      forgottenAnswer: step('forgottenAnswer'),
      forgottenSendCode: step('forgottenSendCode'),
      forgottenResendCode: step('forgottenResendCode'),
      forgottenSubmitCode: step('forgottenSubmitCode'),
      forgottenSetPasscode: step('forgottenSetPasscode'),
      forgottenAskDesk: step('forgottenAskDesk'),
      changeStart: step('changeStart'),
      changeSubmitPasscodes: step('changeSubmitPasscodes'),
    },
    mock: null,
    diagnostics: { collect: () => Promise.resolve(SAMPLE_DIAGNOSTICS_REPORT) },
  });
}

describe('guarded invoke (the Electron IPC path without Electron)', () => {
  it('when our renderer calls a channel, then the step runs', async () => {
    const calls: string[] = [];
    const result = await guardedInvoke(
      recordingHandlers(calls),
      origins,
      'app://renderer/index.html',
      'unlock:start',
      {},
    );
    expect(result).toEqual({ ok: true, value: { kind: 'idle' } });
    expect(calls).toEqual(['unlockStart']);
  });

  it.each([undefined, 'https://evil.example/', 'file:///tmp/page.html', 'app://renderer.evil/'])(
    'when the sender is %j, then it is refused before anything runs',
    async (url) => {
      const calls: string[] = [];
      const result = await guardedInvoke(
        recordingHandlers(calls),
        origins,
        url,
        'unlock:start',
        {},
      );
      expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
      expect(calls).toEqual([]);
    },
  );

  it.each([
    ['unlock:set-passcode', { passcode: 'abcd' }],
    ['unlock:answer', { answers: [] }],
    ['unlock:answer', { answers: [{ questionId: 'q1', answer: 'x', extra: true }] }],
    ['register:start', 'not an object'],
    ['unlock:submit-code', { code: 'x'.repeat(65) }],
    ['shell:open', {}],
  ])(
    'when %s gets a malformed payload %j, then it is refused before the handler',
    async (channel, payload) => {
      const calls: string[] = [];
      const result = await guardedInvoke(
        recordingHandlers(calls),
        origins,
        'app://renderer/',
        channel,
        payload,
      );
      expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
      expect(calls).toEqual([]);
    },
  );

  it('when mock controls are asked for outside mock mode, then NOT_FOUND', async () => {
    const result = await guardedInvoke(
      recordingHandlers([]),
      origins,
      'app://renderer/',
      'mock:control',
      {
        action: 'lock',
      },
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});

describe('event hub', () => {
  it('sends contract-valid events to every transport, and refuses a payload outside the contract', () => {
    const hub = new EventHub();
    const seen: unknown[] = [];
    const stop = hub.subscribe((channel, payload) => seen.push([channel, payload]));
    hub.emit('flow:view-changed', { kind: 'busy', step: 'reading-card' });
    expect(seen).toEqual([['flow:view-changed', { kind: 'busy', step: 'reading-card' }]]);
    expect(() =>
      hub.emit('flow:view-changed', { kind: 'idle', puk: '12345678' } as never),
    ).toThrow();
    stop();
    hub.emit('flow:view-changed', { kind: 'idle' });
    expect(seen).toHaveLength(1);
  });
});
