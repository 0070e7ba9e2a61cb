import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
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

/** One line per axe violation, readable in a failure message. */
export interface ScreenReport {
  readonly png: string;
  readonly violations: readonly string[];
}

/**
 * Saves the current screen as `test-results/e2e/<name>.png` and runs axe on it with the WCAG 2.2
 * AA tags. Callers assert `violations` is empty, so a failure names the rule and the element.
 */
export async function captureScreen(page: Page, name: string): Promise<ScreenReport> {
  mkdirSync(E2E_OUTPUT_DIR, { recursive: true });
  const png = join(E2E_OUTPUT_DIR, `${name}.png`);
  await page.screenshot({ path: png, fullPage: true });
  const results = await new AxeBuilder({ page }).withTags([...WCAG_TAGS]).analyze();
  const violations = results.violations.map(
    (v) =>
      `${v.id} (${v.impact ?? 'n/a'}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
  return { png, violations };
}
