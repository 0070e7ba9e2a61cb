import { arch, platform } from 'node:os';
import { createPcscBackend } from '../card/pcsc/pcsc-backend';
import type { ReaderBackend } from '../card/types';
import { MockReaderBackend } from '../card/virtual/mock-reader-backend';
import { openVirtualCardFile } from '../card/virtual/virtual-piv-card';
import { loadSettings, type SettingsInputs } from '../settings/load-settings';
import { DEFAULT_SETTINGS as FALLBACK, type Settings } from '../settings/settings-schema';
import { err, ok, type Result } from '../../shared/result';
import {
  buildDiagnosticsReport,
  type CardServiceReport,
  type DiagnosticsReport,
} from './diagnostics-report';
import { probeCardService, probeServer } from './probes';

/**
 * Collects the report the way the app runs: the settings from their real sources, the reader
 * backend the settings choose (PC/SC, or the mock reader with its profile file), the server from
 * the settings. Used by `npm run diagnostics` and the app's diagnostics screen.
 */

/** Opens the reader backend the settings ask for; the caller closes it. */
export type OpenBackend = (settings: Settings) => Promise<Result<ReaderBackend, string>>;

/** The backend the app itself would use. */
export const openSettingsBackend: OpenBackend = async (settings) => {
  if (settings.mockReader) {
    if (settings.mockCardProfile === null) {
      return err('mock reader mode is on but mockCardProfile names no virtual card profile');
    }
    const card = openVirtualCardFile(settings.mockCardProfile);
    return card.ok ? ok(new MockReaderBackend(card.value)) : err(card.error.message);
  }
  const backend = await createPcscBackend();
  return backend.ok ? ok(backend.value) : err(backend.error.message);
};

/** Everything the collector needs from its surroundings. */
export interface CollectOptions {
  readonly inputs: SettingsInputs;
  readonly version: string;
  readonly openBackend?: OpenBackend;
  readonly now?: () => Date;
}

/** Loads the settings, runs every probe and returns the report. */
export async function collectDiagnostics(options: CollectOptions): Promise<DiagnosticsReport> {
  const open = options.openBackend ?? openSettingsBackend;
  return buildDiagnosticsReport({
    app: {
      version: options.version,
      platform: platform(),
      arch: arch(),
      runtime: `Node ${process.versions.node}${process.versions['electron'] ? `, Electron ${process.versions['electron']}` : ''}`,
    },
    settings: loadSettings(options.inputs),
    now: options.now ?? (() => new Date()),
    server: probeServer,
    cardService: async (settings): Promise<CardServiceReport> => {
      // With broken settings, still look at the real readers: the desk needs both facts.
      const mock = settings?.mockReader ?? false;
      const backend = await open(settings ?? { ...FALLBACK, mockReader: false });
      if (!backend.ok) return { state: 'down', mock, problem: backend.error };
      try {
        return await probeCardService(backend.value, mock);
      } finally {
        await backend.value.close();
      }
    },
  });
}
