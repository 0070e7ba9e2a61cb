import { arch, platform } from 'node:os';
import { createPcscBackend } from '../card/pcsc/pcsc-backend';
import type { ReaderBackend } from '../card/types';
import { MockReaderBackend } from '../card/virtual/mock-reader-backend';
import { openVirtualCardFile } from '../card/virtual/virtual-piv-card';
import {
  loadSettings,
  type ResolvedSettings,
  type SettingsInputs,
  type SettingsProblem,
} from '../settings/load-settings';
import { DEFAULT_SETTINGS as FALLBACK, type Settings } from '../settings/settings-schema';
import { err, ok, type Result } from '../../shared/result';
import type { CardServiceReport, DiagnosticsReport } from '../../shared/diagnostics-report';
import { buildDiagnosticsReport } from './build-diagnostics-report';
import { probeCardService, probeServer } from './probes';

/**
 * Collects the report as the app runs (real settings sources, the chosen reader backend, the
 * server): the one collector behind `--diagnostics`, `npm run diagnostics` and the diagnostics
 * screen.
 */

/** Opens the reader backend the settings ask for; the caller closes it. */
type OpenBackend = (settings: Settings) => Promise<Result<ReaderBackend, string>>;

/** The backend the app itself would use. */
const openSettingsBackend: OpenBackend = async (settings) => {
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

/** The app's own reader backend, lent to the report: the report does not close it. */
export function lendBackend(backend: ReaderBackend): OpenBackend {
  const lent: ReaderBackend = {
    listReaders: () => backend.listReaders(),
    connect: (reader) => backend.connect(reader),
    onEvent: (listener) => backend.onEvent(listener),
    close: () => Promise.resolve(),
  };
  return () => Promise.resolve(ok(lent));
}

/**
 * Where the settings come from: their sources, read now (the command line), or the result the app
 * loaded at start (the screen), which is what the running app uses even if a file changed since.
 */
type SettingsOrigin =
  | { readonly inputs: SettingsInputs }
  | { readonly loaded: Result<ResolvedSettings, SettingsProblem> };

/** Everything the collector needs from its surroundings. */
type CollectOptions = SettingsOrigin & {
  readonly version: string;
  readonly openBackend?: OpenBackend | undefined;
  /** True while a flow's step is using the card: the cards are then listed but not read. */
  readonly cardInUse?: () => boolean;
  readonly now?: () => Date;
};

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
    settings: 'loaded' in options ? options.loaded : loadSettings(options.inputs),
    now: options.now ?? (() => new Date()),
    server: probeServer,
    cardService: async (settings): Promise<CardServiceReport> => {
      // With broken settings, still look at the real readers: the desk needs both facts.
      const mock = settings?.mockReader ?? false;
      const backend = await open(settings ?? { ...FALLBACK, mockReader: false });
      if (!backend.ok) return { state: 'down', mock, problem: backend.error };
      try {
        return await probeCardService(backend.value, mock, !(options.cardInUse?.() ?? false));
      } finally {
        await backend.value.close();
      }
    },
  });
}
