import { join } from 'node:path';
import { app } from 'electron';
import { createHardenedWindow } from './window/create-window';

/**
 * Composition root: builds the services and the window, nothing else. The card layer, the
 * server client and the flows are wired here as their issues land (see docs/architecture.md).
 */
const development = !app.isPackaged;

app.enableSandbox();
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void app.whenReady().then(async () => {
    const devServer = process.env['ELECTRON_RENDERER_URL'];
    await createHardenedWindow({
      preloadPath: join(import.meta.dirname, '../preload/index.cjs'),
      renderer:
        devServer && development
          ? { kind: 'url', url: devServer }
          : { kind: 'file', path: join(import.meta.dirname, '../renderer/index.html') },
      development,
    });
  });
  app.on('window-all-closed', () => app.quit());
}
