import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from 'playwright-core';
import { createAppServices } from '../src/main/app-services';
import { rendererBuildDir, startBrowserBridge } from '../src/main/browser-bridge/bridge-server';
import { silentLogger } from '../src/main/logging/logger';
import { loadSettings } from '../src/main/settings/load-settings';
import { ok } from '../src/shared/result';
import { startEmbeddedDemo } from '../scripts/embedded-demo';

/**
 * bench/client (issue 5): the renderer's JavaScript size gzipped (target at most 200 KB), and in
 * browser mode with the virtual card, the median time from the reader reporting a card to the
 * screen showing it (target at most 50 ms). Each figure is printed with a ratio against a
 * baseline measured in the same run: React and ReactDOM alone for the size; for the latency, a
 * reader status pushed straight onto the event stream (the transport and the render without the
 * reader monitor), so the ratio shows what the card path adds.
 */

const root = join(import.meta.dirname, '..');
const SIZE_TARGET_KB = 200;
const LATENCY_TARGET_MS = 50;
const ROUNDS = 25;
const PRESENT_TEXT = 'Your Smartcard is in the reader';
const ABSENT_TEXT = 'There is no Smartcard in the reader';

const kb = (bytes: number) => bytes / 1024;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)]!;
const now = () => performance.timeOrigin + performance.now();

function jsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return jsFiles(path);
    return name.endsWith('.js') ? [path] : [];
  });
}

function measureSize(): void {
  if (!process.argv.includes('--no-build')) {
    const built = spawnSync('npx', ['electron-vite', 'build'], { cwd: root, stdio: 'ignore' });
    if (built.status !== 0) throw new Error('npx electron-vite build failed');
  }
  const dir = rendererBuildDir(root);
  const app = jsFiles(dir).reduce(
    (sum, f) => sum + gzipSync(readFileSync(f), { level: 9 }).length,
    0,
  );
  // Resolved through the package folders: their exports maps hide the production files.
  const require = createRequire(import.meta.url);
  const folder = (name: string) => dirname(require.resolve(`${name}/package.json`));
  const baseline = [
    join(folder('react'), 'cjs', 'react.production.js'),
    join(folder('react-dom'), 'cjs', 'react-dom-client.production.js'),
  ].reduce((sum, f) => sum + gzipSync(readFileSync(f), { level: 9 }).length, 0);
  console.log('Renderer JavaScript, gzipped');
  console.log(
    `  app bundle:              ${kb(app).toFixed(1)} KB  (target ${SIZE_TARGET_KB} KB: ${(kb(app) / SIZE_TARGET_KB).toFixed(2)}x of target)`,
  );
  console.log(
    `  baseline React+ReactDOM: ${kb(baseline).toFixed(1)} KB  (app/baseline ${(app / baseline).toFixed(2)}x)`,
  );
}

/** Resolves (in the page) with the time the text appears and a frame has been produced. */
async function armWatch(page: Page, text: string): Promise<void> {
  await page.evaluate((wanted) => {
    const w = window as unknown as { __seen?: Promise<number> };
    w.__seen = new Promise<number>((resolve) => {
      const observer = new MutationObserver(() => {
        if (!document.body.innerText.includes(wanted)) return;
        observer.disconnect();
        requestAnimationFrame(() => resolve(performance.timeOrigin + performance.now()));
      });
      observer.observe(document.body, { subtree: true, childList: true, characterData: true });
    });
  }, text);
}
const seenAt = (page: Page) =>
  page.evaluate(() => (window as unknown as { __seen: Promise<number> }).__seen);

async function measureLatency(): Promise<void> {
  const chromiumPath = '/usr/bin/chromium';
  if (!existsSync(chromiumPath)) {
    console.log(`Latency skipped: ${chromiumPath} is missing (apt-get install chromium).`);
    return;
  }
  const demo = await startEmbeddedDemo(mkdtempSync(join(tmpdir(), 'bench-client-')));
  const runtime = await createAppServices({
    settings: loadSettings({
      machineFile: '/nonexistent',
      userFile: '/nonexistent',
      env: {},
      argv: [`--server-url=${demo.serverUrl}`, '--mock-reader'],
    }),
    version: 'bench',
    logger: silentLogger,
    openReaders: () => Promise.resolve(ok({ backend: demo.backend, mock: demo.backend })),
  });
  const bridge = await startBrowserBridge({
    handlers: runtime.handlers,
    events: runtime.events,
    rendererDir: rendererBuildDir(root),
    logger: silentLogger,
  });
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const page = await browser.newPage();
    await page.goto(bridge.url);
    await page.getByText(PRESENT_TEXT).first().waitFor({ timeout: 30_000 });

    let reportedAt = 0;
    demo.backend.onEvent((event) => {
      if (event.kind === 'card-inserted') reportedAt = now();
    });
    const card: number[] = [];
    const direct: number[] = [];
    for (let i = 0; i < ROUNDS; i += 1) {
      await armWatch(page, ABSENT_TEXT);
      demo.backend.remove();
      await seenAt(page);
      // The card path: the backend's insertion event, the reader monitor, the event stream, React.
      await armWatch(page, PRESENT_TEXT);
      demo.backend.insert();
      card.push((await seenAt(page)) - reportedAt);
      // The baseline: the same screen change pushed straight onto the event stream.
      await armWatch(page, ABSENT_TEXT);
      demo.backend.remove();
      await seenAt(page);
      await armWatch(page, PRESENT_TEXT);
      const pushedAt = now();
      runtime.events.emit('reader:status-changed', {
        state: 'card-present',
        readers: [{ name: 'Smartcard Unlock Virtual Reader', hasCard: true }],
        selectedReader: 'Smartcard Unlock Virtual Reader',
        mock: true,
      });
      direct.push((await seenAt(page)) - pushedAt);
      demo.backend.insert();
    }
    const m = median(card);
    const b = median(direct);
    console.log(`Card reported -> screen shows it (browser mode, virtual card, ${ROUNDS} rounds)`);
    console.log(
      `  card path:  median ${m.toFixed(1)} ms, p90 ${p90(card).toFixed(1)} ms  (target ${LATENCY_TARGET_MS} ms: ${(m / LATENCY_TARGET_MS).toFixed(2)}x of target)`,
    );
    console.log(
      `  baseline (status pushed straight to the stream): median ${b.toFixed(1)} ms, p90 ${p90(direct).toFixed(1)} ms`,
    );
    console.log(`  card path / baseline: ${(m / b).toFixed(2)}x`);
  } finally {
    await browser.close();
    await bridge.close();
    await runtime.close();
    await demo.close();
  }
}

/** Runs both measurements. */
export async function benchClient(): Promise<void> {
  measureSize();
  await measureLatency();
}
