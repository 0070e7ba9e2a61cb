import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { chromium, type Browser } from 'playwright-core';
import { freePort } from '../scripts/free-port';
import { ensureRendererBuilt } from '../scripts/renderer-build';
import { rendererBuildDir } from '../src/main/browser-bridge/bridge-server';
import { CHROMIUM, CHROMIUM_ARGS } from '../test/support/chromium';

/**
 * bench/startup: the server ready (spawn to /readyz answering 200) against a bare `node -e` HTTP
 * server, and the app's start screen in browser mode against Chromium loading a static page with
 * the same CSS, each from its process's spawn (docs/benchmarks.md).
 */

const root = join(import.meta.dirname, '..');
const ROUNDS = Math.max(
  1,
  Number(process.argv.find((a) => a.startsWith('--rounds='))?.slice(9)) || 3,
);
const POLL_MS = 5;
const BOUND_MS = 120_000;

/** A bare HTTP server on PORT: answers `{}` (or the static page and its CSS, given STATIC). */
const BARE_SERVER = `
const { readFileSync } = require('node:fs');
const css = process.env.CSS ? readFileSync(process.env.CSS) : '';
require('node:http').createServer((req, res) => {
  if (req.url === '/app.css') { res.writeHead(200, { 'content-type': 'text/css' }); return res.end(css); }
  if (process.env.CSS) { res.writeHead(200, { 'content-type': 'text/html' }); return res.end('<!doctype html><html lang="en-GB"><head><link rel="stylesheet" href="/app.css"><title>Smartcard Unlock</title></head><body><main><h1>Smartcard Unlock</h1></main></body></html>'); }
  res.writeHead(200, { 'content-type': 'application/json' }); res.end('{}');
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('http://127.0.0.1:' + process.env.PORT + '/'));
`;

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 0 ? (s[mid - 1]! + s[mid]!) / 2 : s[mid]!;
};

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Spawns a process that dies with this one; `stop` ends it and waits for its exit. */
function start(args: readonly string[], env: Readonly<Record<string, string>>) {
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => running.delete(child));
  const lines: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => lines.push(line));
  child.stderr!.resume();
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  };
  return { child, lines, stop };
}

/** Polls `url` until it answers 200: ms from `since`. */
async function firstAnswer(url: string, since: number, child: ChildProcess): Promise<number> {
  while (performance.now() - since < BOUND_MS) {
    if (child.exitCode !== null) throw new Error(`the process exited (${child.exitCode})`);
    const status = await fetch(url).then(
      (res) => res.status,
      () => 0,
    );
    if (status === 200) return performance.now() - since;
    await delay(POLL_MS);
  }
  throw new Error(`${url} did not answer 200 within ${BOUND_MS / 1000} s`);
}

/** The first line printed matching `pattern`. */
async function printed(lines: readonly string[], pattern: RegExp, child: ChildProcess) {
  const since = performance.now();
  while (performance.now() - since < BOUND_MS) {
    const line = lines.find((l) => pattern.test(l));
    if (line !== undefined) return line;
    if (child.exitCode !== null) throw new Error(`the process exited (${child.exitCode})`);
    await delay(POLL_MS);
  }
  throw new Error(`nothing printed matched ${pattern}`);
}

/** The server from spawn to /readyz answering 200, on one data folder (so a restart). */
async function serverReady(args: readonly string[], dir: string): Promise<number> {
  const [port, operator] = [await freePort(), await freePort()];
  const since = performance.now();
  const server = start(args, {
    DATA_DIR: dir,
    PORT: String(port),
    OPERATOR_PORT: String(operator),
    LOG_LEVEL: 'warn',
  });
  try {
    return await firstAnswer(`http://127.0.0.1:${operator}/readyz`, since, server.child);
  } finally {
    await server.stop();
  }
}

/** A bare `node -e` server from spawn to its first answer. */
async function bareReady(): Promise<number> {
  const port = await freePort();
  const since = performance.now();
  const bare = start(['-e', BARE_SERVER], { PORT: String(port) });
  try {
    return await firstAnswer(`http://127.0.0.1:${port}/`, since, bare.child);
  } finally {
    await bare.stop();
  }
}

/** From spawn to the heading "Smartcard Unlock" shown in a fresh Chromium page. */
async function screenShown(
  browser: Browser,
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  url: RegExp,
): Promise<number> {
  const page = await browser.newPage();
  const since = performance.now();
  const app = start(args, env);
  try {
    const line = await printed(app.lines, url, app.child);
    await page.goto(line.trim());
    await page
      .getByRole('heading', { name: 'Smartcard Unlock', exact: true })
      .waitFor({ timeout: BOUND_MS });
    return performance.now() - since;
  } finally {
    await page.close();
    await app.stop();
  }
}

/** Runs `a` and `b` alternately for ROUNDS after one warm-up each; their times in ms. */
async function interleaved(
  a: () => Promise<number>,
  b: () => Promise<number>,
): Promise<readonly [number[], number[]]> {
  await a();
  await b();
  const [as, bs]: [number[], number[]] = [[], []];
  for (let round = 0; round < ROUNDS; round += 1) {
    if (round % 2 === 0) {
      as.push(await a());
      bs.push(await b());
    } else {
      bs.push(await b());
      as.push(await a());
    }
  }
  return [as, bs];
}

const line = (name: string, xs: readonly number[]) =>
  `  ${name.padEnd(50)} median ${median(xs).toFixed(0).padStart(6)} ms   (${xs.map((x) => x.toFixed(0)).join(' ')})`;

/** Runs both start-up figures and prints them with their ratios against their baselines. */
export async function benchStartup(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-startup-'));
  try {
    console.log(
      `bench/startup: from process spawn, ${ROUNDS} interleaved rounds after one warm-up each (load average ${loadavg()[0]!.toFixed(1)})`,
    );
    const source = await interleaved(
      () => serverReady(['--import', 'tsx', 'server/index.ts', '--dev'], dir),
      bareReady,
    );
    console.log(line('server ready (tsx server/index.ts --dev, /readyz)', source[0]));
    console.log(line('baseline: bare node -e http server, first answer', source[1]));
    console.log(
      `  server from source / baseline: ${(median(source[0]) / median(source[1])).toFixed(1)}x`,
    );
    const built = join(root, 'out', 'server', 'index.js');
    if (existsSync(built)) {
      const fromBuild = await interleaved(() => serverReady([built, '--dev'], dir), bareReady);
      console.log(line('server ready (built out/server/index.js --dev)', fromBuild[0]));
      console.log(line('baseline: bare node -e http server, first answer', fromBuild[1]));
      console.log(
        `  built server / baseline: ${(median(fromBuild[0]) / median(fromBuild[1])).toFixed(1)}x`,
      );
    }

    if (!existsSync(CHROMIUM)) {
      console.log(
        `  start screen skipped: missing Chromium (${CHROMIUM}, Debian package chromium)`,
      );
      return;
    }
    const failed = ensureRendererBuilt(root, { quiet: true });
    if (failed !== undefined) throw new Error(`electron-vite build failed:\n${failed}`);
    const assets = join(rendererBuildDir(root), 'assets');
    const css = readdirSync(assets).find((f) => f.endsWith('.css'));
    if (css === undefined) throw new Error(`no CSS in ${assets}`);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [...CHROMIUM_ARGS],
    });
    try {
      const [app, page] = await interleaved(
        () =>
          screenShown(browser, ['--import', 'tsx', 'scripts/start.ts', '--browser'], {}, /#token=/),
        async () =>
          screenShown(
            browser,
            ['-e', BARE_SERVER],
            { PORT: String(await freePort()), CSS: join(assets, css) },
            /^http:/,
          ),
      );
      console.log(line('start screen (tsx scripts/start.ts --browser)', app));
      console.log(line('baseline: static page, same CSS, bare node -e server', page));
      console.log(`  start screen / baseline: ${(median(app) / median(page)).toFixed(1)}x`);
    } finally {
      await browser.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
