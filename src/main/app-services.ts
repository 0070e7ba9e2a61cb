import type { AppError } from '../shared/errors';
import type { AppInfo } from '../shared/ipc-contract';
import type { Result } from '../shared/result';
import type { ReaderBackend } from './card/types';
import { collectDiagnostics, lendBackend } from './diagnostics/collect-diagnostics';
import { FlowRunner } from './flows/flow-runner';
import type { InvokeHandlers } from './ipc/dispatch';
import { EventHub } from './ipc/event-hub';
import { createInvokeHandlers, createStartupErrorHandlers } from './ipc/handlers/create-handlers';
import type { MockReaderControls } from './ipc/handlers/mock-handlers';
import type { Logger } from './logging/logger';
import { ReaderMonitor } from './reader/reader-monitor';
import { createServerClient, type ServerClient } from './server-client/server-client';
import {
  settingsProblemToAppError,
  type ResolvedSettings,
  type SettingsProblem,
} from './settings/load-settings';
import { DEFAULT_SETTINGS } from './settings/settings-schema';

/**
 * The app's services, built the same way for Electron and for browser mode: settings in, IPC
 * handlers and an event hub out. The transports (ipc-main-transport.ts, the browser bridge) only carry them.
 */

/** A reader backend and, in mock reader mode, its controls. */
export interface ReaderSource {
  readonly backend: ReaderBackend;
  readonly mock: MockReaderControls | null;
}

/** What a transport needs. */
export interface AppRuntime {
  readonly info: AppInfo;
  readonly handlers: InvokeHandlers;
  readonly events: EventHub;
  /** The settings error the app is showing instead of running, if any. */
  readonly startupError: AppError | null;
  close(): Promise<void>;
}

/** Inputs of the composition. */
export interface AppServicesOptions {
  readonly settings: Result<ResolvedSettings, SettingsProblem>;
  readonly version: string;
  readonly logger: Logger;
  /** Opens the reader backend the settings ask for (PC/SC, or the mock reader). */
  readonly openReaders: (
    settings: ResolvedSettings['settings'],
  ) => Promise<Result<ReaderSource, AppError>>;
  /** Replaces the axios client (benchmarks and tests). */
  readonly server?: ServerClient;
}

/** Builds the services, or, for bad settings or no reader backend, the handlers that show the error. */
export async function createAppServices(options: AppServicesOptions): Promise<AppRuntime> {
  const { logger } = options;
  const events = new EventHub();
  if (!options.settings.ok) {
    const error = settingsProblemToAppError(options.settings.error);
    logger.error('settings invalid', {
      setting: options.settings.error.setting,
      source: error.details?.source,
    });
    const info: AppInfo = {
      version: options.version,
      passcodePolicy: DEFAULT_SETTINGS.passcodePolicy,
      mockReader: false,
      development: false,
      // Unknown: the screens name the desk without a number rather than the demo's.
      help: null,
    };
    // The report reads the readers the way `--diagnostics` does: the app opened none.
    const diagnostics = {
      collect: () => collectDiagnostics({ loaded: options.settings, version: options.version }),
    };
    return {
      info,
      handlers: createStartupErrorHandlers(info, error, diagnostics),
      events,
      startupError: error,
      close: () => Promise.resolve(),
    };
  }

  const { settings } = options.settings.value;
  const info: AppInfo = {
    version: options.version,
    passcodePolicy: settings.passcodePolicy,
    mockReader: settings.mockReader,
    development: settings.development,
    help: { phone: settings.helpPhone, walkIn: settings.helpWalkIn },
  };
  const opened = await options.openReaders(settings);
  if (!opened.ok) {
    // No reader backend at all (the PC/SC support is missing, or the mock card profile is bad):
    // nothing on this computer can fix it by waiting, so the app says so, with the help contacts
    // and the diagnostics report, instead of a start screen that waits for a reader forever.
    logger.error('card readers unavailable', { errorCode: opened.error.code });
    const diagnostics = {
      collect: () => collectDiagnostics({ loaded: options.settings, version: options.version }),
    };
    return {
      info,
      handlers: createStartupErrorHandlers(info, opened.error, diagnostics),
      events,
      startupError: opened.error,
      close: () => Promise.resolve(),
    };
  }
  const source: ReaderSource = opened.value;

  const server =
    options.server ??
    createServerClient({
      baseUrl: settings.serverUrl,
      timeoutMs: settings.requestTimeoutSeconds * 1000,
      caCertificateFile: settings.caCertificateFile,
      logger,
      userAgent: `smartcard-unlock/${options.version}`,
    });

  // The runner and the monitor need each other (removal ends the attempt): the monitor calls
  // through this reference, set just below.
  let runner: FlowRunner | null = null;
  const readers = new ReaderMonitor(source.backend, {
    configured: settings.readerName,
    mock: settings.mockReader,
    logger,
    onStatus: (status) => events.emit('reader:status-changed', status),
    onCardRemoved: () => runner?.cardRemoved(),
  });
  runner = new FlowRunner({
    cards: readers,
    server,
    logger,
    passcodePolicy: settings.passcodePolicy,
    onView: (view) => events.emit('flow:view-changed', view),
  });
  await readers.start();
  const diagnostics = {
    // The app's own readers (the mock reader's card is only in this process).
    collect: () =>
      collectDiagnostics({
        loaded: options.settings,
        version: options.version,
        openBackend: lendBackend(source.backend),
        cardInUse: () => runner?.view().kind === 'busy',
      }),
  };
  logger.info('app services ready', {
    mockReader: settings.mockReader,
    reader: readers.status().state,
  });

  return {
    info,
    handlers: createInvokeHandlers({
      info,
      readers,
      flows: runner,
      mock: source.mock,
      diagnostics,
    }),
    events,
    startupError: null,
    async close() {
      readers.stop();
      await source.backend.close();
    },
  };
}
