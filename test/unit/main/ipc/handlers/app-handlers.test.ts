import { describe, expect, it } from 'vitest';
import type { InvokeHandlers } from '../../../../../src/main/ipc/dispatch';
import { guardedInvoke } from '../../../../../src/main/ipc/guarded-invoke';
import { createInvokeHandlers } from '../../../../../src/main/ipc/handlers/create-handlers';
import type { DiagnosticsPort } from '../../../../../src/main/ipc/handlers/app-handlers';
import type { DiagnosticsReport } from '../../../../../src/shared/diagnostics-report';
import { SAMPLE_DIAGNOSTICS_REPORT } from '../../../../support/sample-diagnostics-report';

const origins = ['app://renderer'];
const OURS = 'app://renderer/index.html';

/** The app's handlers with a diagnostics collector that counts its runs. */
function handlersWith(collect: DiagnosticsPort['collect']): InvokeHandlers {
  const view = { kind: 'idle' as const };
  const unused = () => Promise.reject(new Error('not used'));
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
      choose: unused,
      refresh: () => Promise.resolve(),
    },
    flows: {
      view: () => view,
      cancel: () => ({ ok: true, value: view }),
      resume: () => Promise.resolve({ ok: true as const, value: view }),
      service: unused,
      unlockStart: unused,
      unlockAnswer: unused,
      unlockSendCode: unused,
      unlockResendCode: unused,
      unlockSubmitCode: unused,
      unlockSetPasscode: unused,
      unlockAskDesk: unused,
      registerStart: unused,
      registerAnswer: unused,
      registerResendCode: unused,
      registerSubmitCode: unused,
      forgottenStart: unused,
      forgottenAnswer: unused,
      forgottenSendCode: unused,
      forgottenResendCode: unused,
      forgottenSubmitCode: unused,
      forgottenSetPasscode: unused,
      forgottenAskDesk: unused,
      changeStart: unused,
      changeSubmitPasscodes: unused,
    },
    mock: null,
    diagnostics: { collect },
  });
}

function counting(report: unknown = SAMPLE_DIAGNOSTICS_REPORT) {
  const runs = { count: 0 };
  const collect = () => {
    runs.count += 1;
    return Promise.resolve(report as DiagnosticsReport);
  };
  return { runs, handlers: handlersWith(collect) };
}

describe('app:get-diagnostics', () => {
  it('when our renderer asks, then the collector runs and its report comes back', async () => {
    const { runs, handlers } = counting();
    const result = await guardedInvoke(handlers, origins, OURS, 'app:get-diagnostics', {});
    expect(result).toEqual({ ok: true, value: SAMPLE_DIAGNOSTICS_REPORT });
    expect(runs.count).toBe(1);
  });

  it.each([undefined, 'https://evil.example/', 'file:///tmp/page.html', 'app://renderer.evil/'])(
    'when the sender is %j, then it is refused before anything is probed',
    async (url) => {
      const { runs, handlers } = counting();
      const result = await guardedInvoke(handlers, origins, url, 'app:get-diagnostics', {});
      expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
      expect(runs.count).toBe(0);
    },
  );

  it.each([{ verbose: true }, 'all', [1]])(
    'when the request carries %j, then it is refused before anything is probed',
    async (request) => {
      const { runs, handlers } = counting();
      const result = await guardedInvoke(handlers, origins, OURS, 'app:get-diagnostics', request);
      expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
      expect(runs.count).toBe(0);
    },
  );

  it('when a report carries anything outside the contract, then the renderer gets an error, not the report', async () => {
    const leaky = {
      ...SAMPLE_DIAGNOSTICS_REPORT,
      cardService: { ...SAMPLE_DIAGNOSTICS_REPORT.cardService, puk: '48201937' },
    };
    const { handlers } = counting(leaky);
    const result = await guardedInvoke(handlers, origins, OURS, 'app:get-diagnostics', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(result)).not.toContain('48201937');
  });

  it('when two requests arrive while one collection runs, then they share it, and a later request runs a new one', async () => {
    let runs = 0;
    let release: () => void = () => undefined;
    const handlers = handlersWith(() => {
      runs += 1;
      return new Promise((resolve) => {
        release = () => resolve(SAMPLE_DIAGNOSTICS_REPORT);
      });
    });
    const first = guardedInvoke(handlers, origins, OURS, 'app:get-diagnostics', {});
    const second = guardedInvoke(handlers, origins, OURS, 'app:get-diagnostics', {});
    await Promise.resolve();
    release();
    expect((await first).ok && (await second).ok).toBe(true);
    expect(runs).toBe(1);
    const third = guardedInvoke(handlers, origins, OURS, 'app:get-diagnostics', {});
    await Promise.resolve();
    release();
    expect((await third).ok).toBe(true);
    expect(runs).toBe(2);
  });

  it('when the collector throws, then the renderer gets INTERNAL without the detail', async () => {
    const handlers = handlersWith(() => Promise.reject(new Error('pcsc worker died at 0xdead')));
    const result = await guardedInvoke(handlers, origins, OURS, 'app:get-diagnostics', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(result)).not.toContain('0xdead');
  });
});
