import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { rendererBuildDir } from '../src/main/browser-bridge/bridge-server';
import { createConsoleLogger } from '../src/main/logging/logger';
import { openReaders } from '../src/main/reader/open-readers';
import {
  describeSource,
  loadSettings,
  processSettingsInputs,
} from '../src/main/settings/load-settings';
import { ok } from '../src/shared/result';
import {
  CONFIGURED_FLAG,
  demoSettings,
  demoSettingsEnvironment,
  demoSettingsInputs,
  describeStartupProblem,
  startBrowserMode,
  type BrowserModeOptions,
} from './browser-mode';
import { escapeTerminalText as shown } from '../server/cli/terminal-text';
import { findElectronBinary } from './electron-binary';
import { ensureRendererBuilt } from './renderer-build';
import { DemoError, demoBanner, startEmbeddedDemo, type EmbeddedDemo } from './embedded-demo';

/**
 * `npm start`: the embedded server, demo holder and locked virtual card, with the app in Electron
 * or (without its binary, or with `--browser`) browser mode; `--configured` checks this computer's
 * settings.
 */

const root = join(import.meta.dirname, '..');

function printDemo(demo: EmbeddedDemo): void {
  for (const line of demoBanner(demo, CONFIGURED_FLAG)) console.log(line);
}

/** Builds the screens when they are missing or stale. */
function buildScreens(): void {
  const failed = ensureRendererBuilt(root, {
    onBuild: () => console.log('Building the screens (electron-vite build)...'),
  });
  if (failed !== undefined) {
    throw new DemoError('the screens could not be built (npx electron-vite build).');
  }
}

/** Serves the app in browser mode until Ctrl+C. */
async function serveInBrowser(
  options: Omit<BrowserModeOptions, 'rendererDir' | 'version'>,
): Promise<void> {
  buildScreens();
  const mode = await startBrowserMode({
    ...options,
    rendererDir: rendererBuildDir(root),
    version: process.env['npm_package_version'] ?? '0.0.0',
  });
  const problem = mode.runtime.startupError;
  if (problem !== null) console.error(describeStartupProblem(problem));
  console.log('Open this address in a browser on this computer (it carries a one-run key):');
  console.log(`  ${mode.bridge.url}`);
  console.log('Press Ctrl+C to stop.');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await mode.close();
}

/** The demo in browser mode: the demo's settings over this computer's, and its card. */
function demoInBrowser(demo: EmbeddedDemo): Promise<void> {
  return serveInBrowser({
    settings: loadSettings(demoSettingsInputs(demoSettings(demo), processSettingsInputs())),
    logger: createConsoleLogger('warn'),
    // The demo's card, already in its reader: the same object the registration used.
    openReaders: () => Promise.resolve(ok({ backend: demo.backend, mock: demo.backend })),
  });
}

/** `--configured`: this computer's settings, as the installed app reads them; no demo server. */
function configuredInBrowser(): Promise<void> {
  const settings = loadSettings(processSettingsInputs());
  const logger = createConsoleLogger(settings.ok ? settings.value.settings.logLevel : 'info');
  console.log('');
  console.log("Smartcard Unlock in browser mode on this computer's settings (no demo server)");
  if (settings.ok) {
    const { settings: s, sources } = settings.value;
    // From a settings file: escaped, so a control character in it cannot drive the terminal.
    const from = describeSource(sources.serverUrl);
    console.log(`  Server:        ${shown(s.serverUrl)} (from ${shown(from)})`);
    if (s.caCertificateFile !== null) console.log(`  Pinned CA:     ${shown(s.caCertificateFile)}`);
    console.log(`  Card readers:  ${s.mockReader ? 'the mock reader (virtual card)' : 'PC/SC'}`);
  }
  console.log('');
  return serveInBrowser({
    settings,
    logger,
    openReaders: (s) =>
      openReaders(s, {
        defaultMockProfilePath: join(root, 'data', 'browser-mode', 'mock-card.json'),
        logger,
      }),
  });
}

function electronMode(demo: EmbeddedDemo): Promise<number> {
  return new Promise((resolve) => {
    // `preview` builds and runs the bundles as they ship: the dev server injects styles inline,
    // which the app's Content Security Policy (style-src 'self') rightly refuses.
    const child = spawn('npx', ['electron-vite', 'preview'], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, ...demoSettingsEnvironment(demoSettings(demo)) },
    });
    child.on('exit', (code) => resolve(code ?? 0));
  });
}

async function main(): Promise<number> {
  if (process.argv.includes(CONFIGURED_FLAG)) {
    await configuredInBrowser();
    return 0;
  }
  const wantBrowser = process.argv.includes('--browser');
  let electron: ReturnType<typeof findElectronBinary> | null = null;
  if (!wantBrowser) {
    electron = findElectronBinary();
    if (!electron.found) {
      console.log(`Electron cannot start here: ${electron.reason}.`);
      console.log('Serving the app in browser mode instead.');
    }
  }
  console.log('Starting the embedded server and preparing the demo card...');
  const demo = await startEmbeddedDemo(root);
  printDemo(demo);
  try {
    if (electron?.found) return await electronMode(demo);
    await demoInBrowser(demo);
    return 0;
  } finally {
    await demo.close();
  }
}

main().then(
  (status) => process.exit(status),
  (error: unknown) => {
    const reason =
      error instanceof DemoError ? error.message : String((error as Error).message ?? error);
    console.error(`npm start could not start: ${reason}`);
    console.error(
      'Run `npm test` to see which part is failing; docs/desktop-app.md explains the pieces.',
    );
    process.exit(1);
  },
);
