import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { SCREEN_WAIT_MS } from './e2e-stack';

// Keyboard-only moves for the end-to-end scenarios: what has focus, and whether it can be seen.

/** What has focus, as `tag#id: name` (the label of a field, the text of a heading or button). */
export function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const element = document.activeElement;
    if (element === null || element === document.body) return 'body';
    const label =
      element.id === '' ? null : document.querySelector(`label[for="${element.id}"]`)?.textContent;
    const name = label ?? element.getAttribute('aria-label') ?? element.textContent ?? '';
    const id = element.id === '' ? '' : `#${element.id}`;
    return `${element.tagName.toLowerCase()}${id}: ${name.replace(/\s+/g, ' ').trim()}`;
  });
}

/** Whether the focused element draws a focus indicator (an outline or the design system's shadow). */
export function focusIsVisible(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const element = document.activeElement;
    if (element === null) return false;
    const style = getComputedStyle(element);
    const outline =
      style.outlineStyle !== 'none' &&
      style.outlineWidth !== '0px' &&
      style.outlineColor !== 'rgba(0, 0, 0, 0)';
    return outline || style.boxShadow !== 'none';
  });
}

/** Waits until the new step's h1 has focus (the step moved it there by itself). */
export async function headingFocused(page: Page, title: string): Promise<void> {
  await expect.poll(() => focused(page), { timeout: SCREEN_WAIT_MS }).toBe(`h1: ${title}`);
}

/** Presses `key` and asserts what then has focus, and that the focus can be seen. */
export async function press(page: Page, key: string, expected: string | RegExp): Promise<void> {
  await page.keyboard.press(key);
  const now = await focused(page);
  if (typeof expected === 'string') expect(now, `focus after ${key}`).toBe(expected);
  else expect(now, `focus after ${key}`).toMatch(expected);
  expect(await focusIsVisible(page), `a visible focus indicator on ${now}`).toBe(true);
}

/** Tabs (at most 12 times, every stop visibly focused) until what has focus matches `target`. */
export async function tabTo(page: Page, target: RegExp): Promise<void> {
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Tab');
    const now = await focused(page);
    expect(await focusIsVisible(page), `a visible focus indicator on ${now}`).toBe(true);
    if (target.test(now)) return;
  }
  throw new Error(`Tab never reached ${String(target)}`);
}

/** Tabs to the button named exactly `name` and presses Enter on it. */
export async function tabToAndPress(page: Page, name: string): Promise<void> {
  await tabTo(page, new RegExp(`^button[^:]*: ${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
  await page.keyboard.press('Enter');
}
