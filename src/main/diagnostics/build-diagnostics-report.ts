import type {
  CardServiceReport,
  DiagnosticsReport,
  ServerReport,
} from '../../shared/diagnostics-report';
import { diagnosticsReportSchema } from '../../shared/diagnostics-report-schema';
import {
  describeSource,
  type ResolvedSettings,
  type SettingsProblem,
} from '../settings/load-settings';
import { SETTING_NAMES } from '../settings/settings-schema';

/**
 * Builds the service desk's diagnostics report from injected probes, so the command line, the
 * screen and the tests give the same report; no secret reaches a probe's result or the settings
 * table.
 */

/** What the builder asks; each probe reports its failures as data and never throws on purpose. */
export interface DiagnosticsProbes {
  readonly app: DiagnosticsReport['app'];
  readonly settings: { ok: true; value: ResolvedSettings } | { ok: false; error: SettingsProblem };
  readonly cardService: (
    settings: ResolvedSettings['settings'] | null,
  ) => Promise<CardServiceReport>;
  readonly server: (settings: ResolvedSettings['settings']) => Promise<ServerReport>;
  readonly now: () => Date;
}

const show = (value: string | number | boolean | null): string =>
  value === null ? '(not set)' : String(value);

/** Runs the probes (the card and the server at once) and assembles the report. */
export async function buildDiagnosticsReport(
  probes: DiagnosticsProbes,
): Promise<DiagnosticsReport> {
  const loaded = probes.settings;
  const settings = loaded.ok ? loaded.value.settings : null;
  const failed = (what: string) => (error: unknown) => `${what} failed: ${String(error)}`;
  const [cardService, server] = await Promise.all([
    probes.cardService(settings).catch((error: unknown): CardServiceReport => ({
      state: 'down',
      mock: settings?.mockReader ?? false,
      problem: failed('the card service check')(error),
    })),
    settings === null
      ? Promise.resolve(null)
      : probes.server(settings).catch((error: unknown): ServerReport => ({
          url: settings.serverUrl,
          reachable: false,
          healthy: false,
          problem: failed('the server check')(error),
        })),
  ]);
  return diagnosticsReportSchema.parse({
    generatedAt: probes.now().toISOString(),
    app: probes.app,
    settings: loaded.ok
      ? {
          values: SETTING_NAMES.map((name) => ({
            name,
            value: show(loaded.value.settings[name]),
            source: describeSource(loaded.value.sources[name]),
          })),
        }
      : {
          problem: {
            setting: loaded.error.setting,
            source: describeSource(loaded.error.source),
            fix: loaded.error.fix,
          },
          values: [],
        },
    cardService,
    server,
  });
}
