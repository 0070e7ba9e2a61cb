import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { createAppServices } from '../src/main/app-services';
import { rendererBuildDir, startBrowserBridge } from '../src/main/browser-bridge/bridge-server';
import { createPcscBackend } from '../src/main/card/pcsc/pcsc-backend';
import { silentLogger } from '../src/main/logging/logger';
import { loadSettings } from '../src/main/settings/load-settings';
import type { ReaderStatus } from '../src/shared/ipc-contract';
import { ok } from '../src/shared/result';
import { writeProfile } from '../test/support/card-profile';
import { VIRTUAL_CARD_CLI } from '../test/support/card-stack';
import { pcscStackMissing, startPcscd } from '../test/support/pcscd';
import { CARD_LINES, spawnVirtualCard } from '../test/support/virtual-card-process';
import { CHROMIUM_ARGS } from '../test/support/chromium';
import { measureSize } from './client-size';

/**
 * bench/client: the renderer's JavaScript gzipped, and card-to-screen latency in browser mode on
 * the real PC/SC stack, each against a baseline from the same run (method: docs/desktop-app.md).
 */

const root = join(import.meta.dirname, '..');
const CHROMIUM = '/usr/bin/chromium';
const LATENCY_TARGET_MS = 50;
const WARMUP_ROUNDS = 3;
const ROUNDS = 30;
const SCREEN_TIMEOUT_MS = 10_000;
const PRESENT_TEXT = 'Your Smartcard is in the reader';
const ABSENT_TEXT = 'There is no Smartcard in the reader';

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 0 ? (s[mid - 1]! + s[mid]!) / 2 : s[mid]!;
};
const p90 = (xs: readonly number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.9))]!;
const now = (): number => performance.timeOrigin + performance.now();
const verdict = (met: boolean): string => (met ? 'PASS' : 'FAIL');

/** Installs, in the page, a promise of the page-clock times the text appears (DOM) and is painted. */
async function armWatch(page: Page, text: string): Promise<void> {
  await page.evaluate((wanted) => {
    // No named helpers in here: tsx would wrap them in a __name() the page does not have.
    const w = window as unknown as { __seen?: Promise<{ dom: number; frame: number }> };
    w.__seen = new Promise((resolve) => {
      const observer = new MutationObserver(() => {
        if (!document.body.innerText.includes(wanted)) return;
        observer.disconnect();
        const dom = performance.timeOrigin + performance.now();
        requestAnimationFrame(() =>
          resolve({ dom, frame: performance.timeOrigin + performance.now() }),
        );
      });
      observer.observe(document.body, { subtree: true, childList: true, characterData: true });
    });
  }, text);
}

/** The times armed by `armWatch`, in page-clock epoch ms; fails after SCREEN_TIMEOUT_MS. */
async function seenAt(page: Page, what: string): Promise<{ dom: number; frame: number }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the page did not show "${what}" within ${SCREEN_TIMEOUT_MS} ms`)),
      SCREEN_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([
      page.evaluate(
        () => (window as unknown as { __seen: Promise<{ dom: number; frame: number }> }).__seen,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The page clock minus this process's clock, from the quickest of `samples` round trips, and its
 * uncertainty (half that round trip). See the module comment.
 */
async function pageClockOffset(
  page: Page,
  samples = 100,
): Promise<{ offset: number; within: number }> {
  let best = { offset: 0, within: Number.POSITIVE_INFINITY };
  for (let i = 0; i < samples; i += 1) {
    const before = now();
    const inPage = await page.evaluate(() => performance.timeOrigin + performance.now());
    const after = now();
    const within = (after - before) / 2;
    if (within < best.within) best = { offset: inPage - (before + after) / 2, within };
  }
  return best;
}

/** Why the latency half cannot run here, or undefined. */
function latencyStackMissing(): string | undefined {
  const pcsc = pcscStackMissing();
  const missing = [
    ...(pcsc === undefined ? [] : [pcsc.replace(/^missing /, '')]),
    ...(existsSync(CHROMIUM) ? [] : [`Chromium (${CHROMIUM}, Debian package chromium)`]),
  ];
  return missing.length === 0 ? undefined : missing.join(', ');
}

/** The times of one card round, epoch ms: Node's clock, except the page's two. */
interface CardSample {
  /** The worker's SCardGetStatusChange returned. */
  readonly reported: number;
  /** The backend (main thread) received the worker's event. */
  readonly received: number;
  /** The reader status reached the event stream (the bridge's transport). */
  readonly streamed: number;
  /** The text was in the page's DOM (page clock). */
  readonly dom: number;
  /** The frame that paints it began (page clock). */
  readonly frame: number;
}

/** Runs the card rounds and the baseline; returns true when the card path's median is on target. */
async function measureLatency(): Promise<boolean> {
  const missing = latencyStackMissing();
  if (missing !== undefined) {
    throw new Error(
      `bench/client needs the PC/SC stack and Chromium for the latency figure, and this machine lacks ${missing}. Install with: apt-get install -y pcscd vsmartcard-vpcd libpcsclite-dev gcc chromium (and run as root).`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'bench-client-'));
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    const pcscd = await startPcscd();
    cleanups.push(() => pcscd.dispose());
    // libpcsclite reads the socket path once, when the worker's binding first connects.
    Object.assign(process.env, pcscd.env);
    const reader = pcscd.readerNames[0];

    // When PC/SC reported the card (worker stamp) and when main received that report's first event:
    // the screen may follow the reader list before the insertion event, so either marks it.
    let lastInsert: { reported: number; received: number } | undefined;
    let batch = { reported: Number.NaN, received: Number.NaN };
    const created = await createPcscBackend({
      onEventReported: (event, reportedAt) => {
        if (reportedAt !== batch.reported) batch = { reported: reportedAt, received: now() };
        const cardIn =
          event.kind === 'card-inserted'
            ? event.reader === reader
            : event.kind === 'readers-changed' &&
              event.readers.some((r) => r.name === reader && r.hasCard);
        if (cardIn) lastInsert ??= batch;
      },
    });
    if (!created.ok) throw new Error(`${created.error.message} (${created.error.detail})`);
    const backend = created.value;

    const card = spawnVirtualCard(VIRTUAL_CARD_CLI, [
      '--profile',
      writeProfile(dir),
      '--port',
      String(pcscd.ports[0]),
    ]);
    cleanups.push(() => card.stop());
    await card.waitForLine(CARD_LINES.inserted, 0, 30_000);

    const runtime = await createAppServices({
      settings: loadSettings({
        machineFile: join(dir, 'no-machine-settings.json'),
        userFile: join(dir, 'no-user-settings.json'),
        env: {},
        // The start screen never calls the server: a closed loopback port is enough.
        argv: ['--server-url=http://127.0.0.1:9'],
      }),
      version: 'bench',
      logger: silentLogger,
      openReaders: () => Promise.resolve(ok({ backend, mock: null })),
    });
    cleanups.push(() => runtime.close());
    if (runtime.startupError !== null) {
      throw new Error(`app settings: ${JSON.stringify(runtime.startupError)}`);
    }
    // The statuses the app itself sends, kept for the baseline, and when the present one is sent.
    let presentStatus: ReaderStatus | undefined;
    let absentStatus: ReaderStatus | undefined;
    let lastPresentStreamed = 0;
    runtime.events.subscribe((channel, payload) => {
      if (channel !== 'reader:status-changed') return;
      const status = payload as ReaderStatus;
      if (status.state === 'card-present') {
        presentStatus = status;
        lastPresentStreamed = now();
      } else if (status.state === 'no-card') absentStatus = status;
    });
    const bridge = await startBrowserBridge({
      handlers: runtime.handlers,
      events: runtime.events,
      rendererDir: rendererBuildDir(root),
      logger: silentLogger,
    });
    cleanups.push(() => bridge.close());

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [...CHROMIUM_ARGS],
    });
    cleanups.push(() => browser.close());
    const page = await browser.newPage();
    await page.goto(bridge.url);
    await page.getByText(PRESENT_TEXT).first().waitFor({ timeout: 30_000 });

    const clockBefore = await pageClockOffset(page);
    // Page times stay raw until the end, when the tighter of the two clock offsets is known.
    const cardSamples: CardSample[] = [];
    const baseline: { pushed: number; frame: number }[] = [];
    for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round += 1) {
      const measured = round >= WARMUP_ROUNDS;
      await armWatch(page, ABSENT_TEXT);
      let mark = card.mark();
      card.send('remove');
      await card.waitForLine(CARD_LINES.removed, mark);
      await seenAt(page, ABSENT_TEXT);

      // Baseline: the app's own card-present status pushed straight onto the event stream. The
      // first card-present status may have gone out before the subscription: warm-up covers that.
      if (presentStatus !== undefined && absentStatus !== undefined) {
        await armWatch(page, PRESENT_TEXT);
        const pushedAt = now();
        runtime.events.emit('reader:status-changed', presentStatus);
        const pushed = await seenAt(page, PRESENT_TEXT);
        if (measured) baseline.push({ pushed: pushedAt, frame: pushed.frame });
        await armWatch(page, ABSENT_TEXT);
        runtime.events.emit('reader:status-changed', absentStatus);
        await seenAt(page, ABSENT_TEXT);
      } else if (measured) {
        throw new Error('the app has not sent both a card-present and a no-card status');
      }

      // The card path: vpcd sees the card, pcscd reports it, the worker, the monitor, the bridge,
      // React.
      lastInsert = undefined;
      await armWatch(page, PRESENT_TEXT);
      mark = card.mark();
      card.send('insert');
      await card.waitForLine(CARD_LINES.inserted, mark);
      const seen = await seenAt(page, PRESENT_TEXT);
      const insert = lastInsert as { reported: number; received: number } | undefined;
      if (insert === undefined) {
        throw new Error('the screen showed the card before the PC/SC backend reported it');
      }
      if (measured) {
        cardSamples.push({
          ...insert,
          streamed: lastPresentStreamed,
          dom: seen.dom,
          frame: seen.frame,
        });
      }
    }
    const clockAfter = await pageClockOffset(page);
    const clock = clockAfter.within < clockBefore.within ? clockAfter : clockBefore;
    const toNode = (pageTime: number): number => pageTime - clock.offset;

    const path = cardSamples.map((s) => toNode(s.frame) - s.reported);
    const direct = baseline.map((s) => toNode(s.frame) - s.pushed);
    const m = median(path);
    const b = median(direct);
    const met = m <= LATENCY_TARGET_MS;
    const line = (name: string, xs: readonly number[]): string =>
      `  ${name.padEnd(44)} median ${median(xs).toFixed(1).padStart(6)} ms   p90 ${p90(xs).toFixed(1).padStart(6)} ms`;
    console.log(
      `bench/client: PC/SC reports the card -> screen shows it (browser mode, pcscd + vpcd + virtual card, Chromium; ${ROUNDS} rounds after ${WARMUP_ROUNDS} warm-up)`,
    );
    console.log(
      `${line('card path (status wait returns -> frame)', path)}   (target at most ${LATENCY_TARGET_MS} ms: ${verdict(met)})`,
    );
    console.log(
      line(
        '  worker -> backend (main thread)',
        cardSamples.map((s) => s.received - s.reported),
      ),
    );
    console.log(
      line(
        '  backend -> status on the event stream',
        cardSamples.map((s) => s.streamed - s.received),
      ),
    );
    console.log(
      line(
        '  event stream -> text in the DOM',
        cardSamples.map((s) => toNode(s.dom) - s.streamed),
      ),
    );
    console.log(
      line(
        '  text in the DOM -> frame',
        cardSamples.map((s) => s.frame - s.dom),
      ),
    );
    console.log(line('baseline (status pushed onto the stream -> frame)', direct));
    console.log(`  card path / baseline: ${(m / b).toFixed(2)}x`);
    console.log(
      `  page clock - Node clock: ${clockBefore.offset.toFixed(2)} ms (±${clockBefore.within.toFixed(2)}) before the rounds, ${clockAfter.offset.toFixed(2)} ms (±${clockAfter.within.toFixed(2)}) after; the tighter one is used`,
    );
    return met;
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs both measurements and prints PASS or FAIL against each target. */
export async function benchClient(): Promise<void> {
  const sizeMet = await measureSize();
  const latencyMet = await measureLatency();
  console.log(
    `bench/client: size ${verdict(sizeMet)}, card-to-screen latency ${verdict(latencyMet)}`,
  );
}
