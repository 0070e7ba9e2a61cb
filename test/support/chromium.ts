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
