import {
  createAppServices,
  type AppRuntime,
  type AppServicesOptions,
} from '../src/main/app-services';
import { startBrowserBridge, type BrowserBridge } from '../src/main/browser-bridge/bridge-server';
import type { Logger } from '../src/main/logging/logger';
import type {
  ResolvedSettings,
  SettingsInputs,
  SettingsProblem,
} from '../src/main/settings/load-settings';
import { SETTINGS, type SettingName } from '../src/main/settings/settings-schema';
import type { AppError } from '../src/shared/errors';
import type { Result } from '../src/shared/result';

/**
 * Browser mode for `npm start` and `npm run start:browser`: the app's services behind the loopback
 * bridge (decision 10), either for the offline demo or, with `--configured`, on this computer's own
 * settings as the installed app would read them, with no demo server.
 */

/** The flag that runs the app on this computer's settings instead of the demo. */
export const CONFIGURED_FLAG = '--configured';

/**
 * What the demo sets over this computer's settings: its own server, no pinned CA (a machine-wide
 * file pinning one would refuse the demo's plain-HTTP address), no reader name, its virtual card.
 * Empty means "not set". The other settings (timeouts, passcode policy) still come from their sources.
 */
export function demoSettings(demo: {
  readonly serverUrl: string;
  readonly cardProfile: string;
}): Readonly<Partial<Record<SettingName, string>>> {
  return {
    serverUrl: demo.serverUrl,
    caCertificateFile: '',
    readerName: '',
    mockReader: 'true',
    mockCardProfile: demo.cardProfile,
    development: 'true',
  };
}

/** The demo's settings as command-line flags, which win over the files and the environment. */
export function demoSettingsInputs(
  demo: Readonly<Partial<Record<SettingName, string>>>,
  computer: SettingsInputs,
): SettingsInputs {
  const flags = Object.entries(demo).map(
    ([name, value]) => `${SETTINGS[name as SettingName].flag}=${value}`,
  );
  return { ...computer, argv: flags };
}

/** The demo's settings as environment variables, for the Electron app it starts. */
export function demoSettingsEnvironment(
  demo: Readonly<Partial<Record<SettingName, string>>>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(demo).map(([name, value]) => [SETTINGS[name as SettingName].env, value]),
  );
}

/** A startup problem as one console line: the setting, its source and the fix, or the error. */
export function describeStartupProblem(problem: AppError): string {
  return problem.code === 'SETTINGS_INVALID'
    ? `Settings problem: ${problem.details?.field ?? ''} from ${problem.details?.source ?? ''}: ${problem.details?.fix ?? ''}`
    : `${problem.code}: ${problem.message} ${problem.nextStep}`;
}

/** What browser mode runs on. */
export interface BrowserModeOptions {
  readonly settings: Result<ResolvedSettings, SettingsProblem>;
  readonly openReaders: AppServicesOptions['openReaders'];
  /** The built renderer (out/renderer). */
  readonly rendererDir: string;
  readonly version: string;
  readonly logger: Logger;
}

/** A running browser mode. */
export interface BrowserMode {
  readonly bridge: BrowserBridge;
  readonly runtime: AppRuntime;
  close(): Promise<void>;
}

/** Builds the app's services from the settings and serves them on the bridge. */
export async function startBrowserMode(options: BrowserModeOptions): Promise<BrowserMode> {
  const runtime = await createAppServices({
    settings: options.settings,
    version: options.version,
    logger: options.logger,
    openReaders: options.openReaders,
  });
  const bridge = await startBrowserBridge({
    handlers: runtime.handlers,
    events: runtime.events,
    rendererDir: options.rendererDir,
    logger: options.logger,
  });
  return {
    bridge,
    runtime,
    async close() {
      await bridge.close();
      await runtime.close();
    },
  };
}
