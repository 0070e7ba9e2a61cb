import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import axe, { type AxeResults } from 'axe-core';
import type { Page } from 'playwright-core';
import { E2E_OUTPUT_DIR } from './e2e-stack';

/** The WCAG 2.2 AA rule tags axe checks on every screen. */
export const WCAG_TAGS: readonly string[] = [
  'wcag2a',
  'wcag2aa',
  'wcag21a',
  'wcag21aa',
  'wcag22aa',
];

/** One line per axe finding or reflow failure, readable in a failure message. */
export interface ScreenReport {
  readonly png: string;
  readonly violations: readonly string[];
}

/**
 * axe-core on the whole document with the WCAG tags, injected once per document (the Playwright
 * integration injected it twice a run and merged results in a new page: 1.5 s a run, not 0.3).
 */
export async function runAxe(page: Page): Promise<AxeResults> {
  const present = await page.evaluate(() => 'axe' in window);
  if (!present) await page.evaluate(axe.source);
  return page.evaluate(
    (tags) =>
      (window as unknown as { axe: typeof axe }).axe.run(document, {
        runOnly: { type: 'tag', values: tags },
      }),
    [...WCAG_TAGS],
  );
}

/** One line per axe finding (a violation, or a check axe could not finish), naming the elements. */
function findings(results: AxeResults, where: string): readonly string[] {
  return [
    ...results.violations.map((v) => ({ ...v, kind: 'violation' })),
    ...results.incomplete.map((v) => ({ ...v, kind: 'incomplete' })),
  ].map(
    (v) =>
      `${where}: ${v.kind} ${v.id} (${v.impact ?? 'n/a'}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}

/**
 * Saves the current screen as `test-results/e2e/<name>.png` and runs axe on it with the WCAG 2.2
 * AA tags; then again at 320 CSS pixels wide (400 % zoom) with forced colours, where nothing may
 * scroll sideways. Callers assert `violations` is empty: each names the rule and the element.
 */
export async function captureScreen(page: Page, name: string): Promise<ScreenReport> {
  mkdirSync(E2E_OUTPUT_DIR, { recursive: true });
  const png = join(E2E_OUTPUT_DIR, `${name}.png`);
  await page.screenshot({ path: png, fullPage: true });
  const wide = findings(await runAxe(page), 'as shown');
  const viewport = page.viewportSize();
  await page.setViewportSize({ width: 320, height: viewport?.height ?? 800 });
  await page.emulateMedia({ forcedColors: 'active' });
  try {
    await page.screenshot({ path: join(E2E_OUTPUT_DIR, `${name}-320-forced.png`), fullPage: true });
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    const narrow = findings(await runAxe(page), 'at 320 px with forced colours');
    const sideways =
      overflow > 0 ? [`at 320 px: the page scrolls sideways by ${overflow} px (reflow)`] : [];
    return { png, violations: [...wide, ...narrow, ...sideways] };
  } finally {
    await page.emulateMedia({ forcedColors: 'none' });
    if (viewport !== null) await page.setViewportSize(viewport);
  }
}
