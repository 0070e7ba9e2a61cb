import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createAppServices } from '../src/main/app-services';
import { rendererBuildDir, startBrowserBridge } from '../src/main/browser-bridge/bridge-server';
import { createConsoleLogger } from '../src/main/logging/logger';
import { loadSettings, processSettingsInputs } from '../src/main/settings/load-settings';
import { ok } from '../src/shared/result';
import { findElectronBinary } from './electron-binary';
import { ensureRendererBuilt } from './renderer-build';
import { DEMO, DemoError, startEmbeddedDemo, type EmbeddedDemo } from './embedded-demo';

/**
 * `npm start`: the embedded server with the demo holder and a locked virtual card, and the app in
 * mock reader mode. Runs Electron where its binary is available; otherwise, and with `--browser`
 * (`npm run start:browser`), serves the same app to a browser on 127.0.0.1.
 */

const root = join(import.meta.dirname, '..');

function printDemo(demo: EmbeddedDemo): void {
  console.log('');
  console.log('Smartcard Unlock demo (offline)');
  console.log(`  Server:        ${demo.serverUrl} (SQLite and mail outbox in data/demo)`);
  console.log(`  Card holder:   ${DEMO.holderName}, whose virtual card is LOCKED`);
  console.log('  Security answers:');
  for (const { question, answer } of demo.answers) console.log(`    ${question}  ->  ${answer}`);
  console.log(
    '  The Smartcard Unlock Code is printed below as "[outbox] unlock ..." when it is sent,',
  );
  console.log(`  and written to ${demo.outbox}.`);
  console.log('  Mock reader panel: insert, remove and lock the card from the app.');
  console.log('');
}

async function browserMode(demo: EmbeddedDemo): Promise<void> {
  const failed = ensureRendererBuilt(root, {
    onBuild: () => console.log('Building the screens (electron-vite build)...'),
  });
  if (failed !== undefined) {
    throw new DemoError('the screens could not be built (npx electron-vite build).');
  }
  const logger = createConsoleLogger('warn');
  const settings = loadSettings({
    ...processSettingsInputs(),
    argv: [
      `--server-url=${demo.serverUrl}`,
      '--mock-reader',
      '--development',
      `--mock-card-profile=${demo.cardProfile}`,
    ],
  });
  const runtime = await createAppServices({
    settings,
    version: process.env['npm_package_version'] ?? '0.0.0',
    logger,
    // The demo's card, already in its reader: the same object the registration used.
    openReaders: () => Promise.resolve(ok({ backend: demo.backend, mock: demo.backend })),
  });
  const problem = runtime.startupError;
  if (problem !== null) {
    console.error(
      problem.code === 'SETTINGS_INVALID'
        ? `Settings problem: ${problem.details?.field ?? ''} from ${problem.details?.source ?? ''}: ${problem.details?.fix ?? ''}`
        : `${problem.code}: ${problem.message} ${problem.nextStep}`,
    );
  }
  const bridge = await startBrowserBridge({
    handlers: runtime.handlers,
    events: runtime.events,
    rendererDir: rendererBuildDir(root),
    logger,
  });
  console.log('Open this address in a browser on this computer (it carries a one-run key):');
  console.log(`  ${bridge.url}`);
  console.log('Press Ctrl+C to stop.');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await bridge.close();
  await runtime.close();
}

function electronMode(demo: EmbeddedDemo): Promise<number> {
  return new Promise((resolve) => {
    // `preview` builds and runs the bundles as they ship: the dev server injects styles inline,
    // which the app's Content Security Policy (style-src 'self') rightly refuses.
    const child = spawn('npx', ['electron-vite', 'preview'], {
      cwd: root,
      stdio: 'inherit',
      env: {
        ...process.env,
        SMARTCARD_UNLOCK_SERVER_URL: demo.serverUrl,
        SMARTCARD_UNLOCK_MOCK_READER: 'true',
        SMARTCARD_UNLOCK_MOCK_CARD_PROFILE: demo.cardProfile,
        SMARTCARD_UNLOCK_DEVELOPMENT: 'true',
      },
    });
    child.on('exit', (code) => resolve(code ?? 0));
  });
}

async function main(): Promise<number> {
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
    await browserMode(demo);
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
    console.error(`npm start could not start the demo: ${reason}`);
    console.error(
      'Run `npm test` to see which part is failing; docs/desktop-app.md explains the pieces.',
    );
    process.exit(1);
  },
);
