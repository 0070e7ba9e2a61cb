import type { DiagnosticsReport } from '../../../shared/diagnostics-report';
import type { AppInfo } from '../../../shared/ipc-contract';
import type { InvokeHandlers } from '../dispatch';

/** What the diagnostics handler needs: the collector `--diagnostics` uses, bound to this app. */
export interface DiagnosticsPort {
  collect(): Promise<DiagnosticsReport>;
}

/**
 * The `app:` namespace: facts about the app, and the service desk's diagnostics report. One
 * collection runs at a time: a request that arrives while one runs (a double press, a second
 * window) shares its answer instead of probing the card and the server again.
 */
export function appHandlers(
  info: AppInfo,
  diagnostics: DiagnosticsPort,
): Pick<InvokeHandlers, 'app:get-info' | 'app:get-diagnostics'> {
  let running: Promise<DiagnosticsReport> | null = null;
  return {
    'app:get-info': () => ({ ok: true, value: info }),
    'app:get-diagnostics': async () => {
      running ??= diagnostics.collect().finally(() => {
        running = null;
      });
      return { ok: true, value: await running };
    },
  };
}
