import { BrowserWindow, shell } from 'electron';
import { CONTENT_SECURITY_POLICY } from './content-security-policy';
import { isPermissionAllowed } from './permissions';

/** Where the renderer comes from: a dev server in development, the packaged files otherwise. */
type RendererSource =
  { readonly kind: 'url'; readonly url: string } | { readonly kind: 'file'; readonly path: string };

/**
 * The one window factory: context isolation, sandbox, no Node in the page, a strict CSP, no
 * navigation away, no new windows, DevTools only in development (Electron security checklist).
 */
export async function createHardenedWindow(options: {
  readonly preloadPath: string;
  readonly renderer: RendererSource;
  readonly development: boolean;
}): Promise<BrowserWindow> {
  const window = new BrowserWindow({
    width: 960,
    height: 760,
    minWidth: 480,
    minHeight: 560,
    show: false,
    title: 'Smartcard Unlock',
    autoHideMenuBar: true,
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: options.development,
    },
  });

  window.webContents.session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
      },
    });
  });
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  window.webContents.on('will-redirect', (event) => event.preventDefault());
  window.webContents.on('will-attach-webview', (event) => event.preventDefault());
  window.webContents.setWindowOpenHandler(({ url }) => {
    // Links such as the terms and conditions open in the user's browser, never in the app.
    if (url.startsWith('https:')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.webContents.session.setPermissionRequestHandler((_wc, permission, callback) =>
    callback(isPermissionAllowed(permission)),
  );
  window.once('ready-to-show', () => window.show());

  if (options.renderer.kind === 'url') await window.loadURL(options.renderer.url);
  else await window.loadFile(options.renderer.path);
  return window;
}
