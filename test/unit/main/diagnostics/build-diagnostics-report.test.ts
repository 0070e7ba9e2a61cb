import { describe, expect, it } from 'vitest';
import {
  buildDiagnosticsReport,
  type DiagnosticsProbes,
} from '../../../../src/main/diagnostics/build-diagnostics-report';
import { formatDiagnosticsText } from '../../../../src/shared/diagnostics-report';
import { DEFAULT_SETTINGS, SETTING_NAMES } from '../../../../src/main/settings/settings-schema';

const defaults = {
  settings: DEFAULT_SETTINGS,
  sources: Object.fromEntries(SETTING_NAMES.map((n) => [n, { kind: 'default' }])),
} as const;

/** Probes that answer as given; the rest are a healthy default. */
function probes(over: Partial<DiagnosticsProbes> = {}): DiagnosticsProbes {
  return {
    app: { version: '1.2.3', platform: 'win32', arch: 'x64', runtime: 'Node 22' },
    settings: { ok: true, value: defaults as never },
    now: () => new Date('2026-01-02T03:04:05Z'),
    cardService: () => Promise.resolve({ state: 'running', mock: false, readers: [] }),
    server: (s) =>
      Promise.resolve({
        url: s.serverUrl,
        reachable: true,
        healthy: true,
        status: 200,
        milliseconds: 3,
      }),
    ...over,
  };
}

describe('diagnostics report builder', () => {
  it('when every probe answers, then the report lists each setting with its source', async () => {
    const report = await buildDiagnosticsReport(probes());
    expect(report.generatedAt).toBe('2026-01-02T03:04:05.000Z');
    expect(report.settings.values.map((v) => v.name)).toEqual(SETTING_NAMES);
    expect(report.settings.values[0]).toEqual({
      name: 'serverUrl',
      value: DEFAULT_SETTINGS.serverUrl,
      source: 'the built-in default',
    });
    expect(formatDiagnosticsText(report)).toContain('reachable and healthy (HTTP 200, 3 ms)');
  });

  it('when a probe throws, then the report says which check failed instead of failing itself', async () => {
    const report = await buildDiagnosticsReport(
      probes({
        cardService: () => Promise.reject(new Error('worker died')),
        server: () => Promise.reject(new Error('socket hang up')),
      }),
    );
    expect(report.cardService).toMatchObject({ state: 'down' });
    expect(report.cardService.state === 'down' && report.cardService.problem).toContain(
      'worker died',
    );
    expect(report.server?.reachable).toBe(false);
    expect(formatDiagnosticsText(report)).toContain('NOT RUNNING');
  });

  it('when the card service reports a card without PIV, then the text says it is not a staff smartcard', async () => {
    const report = await buildDiagnosticsReport(
      probes({
        cardService: () =>
          Promise.resolve({
            state: 'running',
            mock: false,
            readers: [{ name: 'Reader 1', hasCard: true, atr: '3B00', card: { kind: 'not-piv' } }],
          }),
      }),
    );
    expect(formatDiagnosticsText(report)).toContain(
      'Reader 1: card present: a card without the PIV application (not a staff smartcard) (ATR 3B00)',
    );
  });
});
