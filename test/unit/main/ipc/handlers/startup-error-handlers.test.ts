import { describe, expect, it } from 'vitest';
import { dispatchInvoke } from '../../../../../src/main/ipc/dispatch';
import { createStartupErrorHandlers } from '../../../../../src/main/ipc/handlers/create-handlers';
import { appError } from '../../../../../src/shared/errors';
import { IPC_INVOKE } from '../../../../../src/shared/ipc-contract';
import { SAMPLE_DIAGNOSTICS_REPORT } from '../../../../support/sample-diagnostics-report';

describe('handlers when the settings are bad', () => {
  const error = appError('SETTINGS_INVALID', {
    field: 'serverUrl',
    source: 'the machine-wide settings file /etc/smartcard-unlock/config.json',
    fix: 'Set it to https://...',
  });
  const handlers = createStartupErrorHandlers(
    {
      version: '0.1.0',
      passcodePolicy: 'printable-4-8',
      mockReader: false,
      development: false,
      help: null,
    },
    error,
    { collect: () => Promise.resolve(SAMPLE_DIAGNOSTICS_REPORT) },
  );

  it('shows the settings error, with the setting, source and fix, for every flow step', async () => {
    const result = await dispatchInvoke(handlers, 'unlock:start', {});
    expect(result).toEqual({ ok: true, value: { kind: 'failed', error, canRetry: false } });
    expect(await dispatchInvoke(handlers, 'flow:get-view', {})).toEqual(result);
  });

  it('still gives the service desk its diagnostics report', async () => {
    expect(await dispatchInvoke(handlers, 'app:get-diagnostics', {})).toEqual({
      ok: true,
      value: SAMPLE_DIAGNOSTICS_REPORT,
    });
  });

  it('answers every channel of the contract without throwing', async () => {
    const requests: Record<string, unknown> = {
      'reader:choose': { readerName: 'x' },
      'unlock:answer': { answers: [{ questionId: 'q', answer: 'a' }] },
      'unlock:send-code': { channel: 'sms' },
      'unlock:submit-code': { code: 'ABCD2345' },
      'unlock:set-passcode': { passcode: 'abcd', confirmation: 'abcd' },
      'register:start': { passcode: 'abcd' },
      'register:answer': { answers: [{ questionId: 'q', answer: 'a' }] },
      'register:submit-code': { code: 'ABCD2345' },
      'forgotten:answer': { answers: [{ questionId: 'q', answer: 'a' }] },
      'forgotten:send-code': { channel: 'email' },
      'forgotten:submit-code': { code: 'ABCD2345' },
      'forgotten:set-passcode': { passcode: 'abcd', confirmation: 'abcd' },
      'change:submit-passcodes': {
        current: 'abcd',
        passcode: 'efgh',
        confirmation: 'efgh',
        spendLastTry: false,
      },
      'mock:control': { action: 'insert' },
    };
    for (const channel of Object.keys(IPC_INVOKE)) {
      const result = await dispatchInvoke(handlers, channel, requests[channel] ?? {});
      expect(result.ok || result.error.code === 'SETTINGS_INVALID').toBe(true);
    }
  });
});
