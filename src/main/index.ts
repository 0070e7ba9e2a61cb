import { join } from 'node:path';
import { app, type BrowserWindow } from 'electron';
import { createAppServices } from './app-services';
import { forwardEvents, registerInvokeHandlers } from './ipc/ipc-main-transport';
import { runDiagnosticsCommand } from './diagnostics/diagnostics-command';
import { createElectronLogger } from './logging/electron-logger';
import { openReaders } from './reader/open-readers';
import { loadSettings, processSettingsInputs } from './settings/load-settings';
import { createHardenedWindow } from './window/create-window';

/**
 * Composition root: reads the settings, builds the services and the window, nothing else. A bad
 * setting does not stop the app: the services are replaced by handlers that show the setting,
 * its source and the fix (app-services.ts).
 */
const settings = loadSettings(processSettingsInputs());
const development = settings.ok ? settings.value.settings.development : false;
const logger = createElectronLogger(settings.ok ? settings.value.settings.logLevel : 'info');

app.enableSandbox();
if (process.argv.includes('--diagnostics')) {
  // `smartcard-unlock --diagnostics [--json]`: the service desk's report on stdout, no window.
  void app.whenReady().then(async () => {
    const status = await runDiagnosticsCommand(processSettingsInputs(), app.getVersion(), (text) =>
      process.stdout.write(text),
    );
    app.exit(status);
  });
} else if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let window: BrowserWindow | null = null;
  app.on('second-instance', () => {
    // A second launch (a double-clicked shortcut) brings the open window forward instead.
    if (window === null) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });

  void app.whenReady().then(async () => {
    const runtime = await createAppServices({
      settings,
      version: app.getVersion(),
      logger,
      openReaders: (s) =>
        openReaders(s, {
          defaultMockProfilePath: join(app.getPath('userData'), 'mock-card.json'),
          logger,
        }),
    });
    const devServer = process.env['ELECTRON_RENDERER_URL'];
    const useDevServer = devServer !== undefined && !app.isPackaged;
    registerInvokeHandlers(runtime.handlers, [
      useDevServer ? new URL(devServer).origin : 'file://',
    ]);
    window = await createHardenedWindow({
      preloadPath: join(import.meta.dirname, '../preload/index.cjs'),
      renderer: useDevServer
        ? { kind: 'url', url: devServer }
        : { kind: 'file', path: join(import.meta.dirname, '../renderer/index.html') },
      development: development && !app.isPackaged,
    });
    forwardEvents(runtime.events, window.webContents);
    app.on('before-quit', () => void runtime.close());
  });
  app.on('window-all-closed', () => app.quit());
}
