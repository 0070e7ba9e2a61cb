import { existsSync } from 'node:fs';
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

/** Debian's Chromium, which the browser tests and benchmarks drive with playwright-core. */
export const CHROMIUM = '/usr/bin/chromium';

/** The flags measured to work here (see /work/shared/sandbox.md). */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Whether Debian's Chromium is here; in CI it must be, elsewhere its absence is printed once. */
export function chromiumPresent(suite: string): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI) throw new Error(`Chromium is required in CI at ${CHROMIUM}.`);
  console.warn(`[${suite}] skipping the Chromium tests: ${CHROMIUM} is missing.`);
  return false;
}

/** Debian's Chromium with the flags above, and any `options` besides. */
export function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({ ...options, executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] });
}

/** Chromium for the enclosing describe block: launched before its tests, closed after them. */
export function chromiumForSuite(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (browser === undefined) throw new Error('Chromium is launched in beforeAll.');
    return browser;
  };
}
