import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { captureScreen } from './e2e-screens';
import { KNOWN_ANSWERS, SCREEN_WAIT_MS, type E2eStack, type TestCard } from './e2e-stack';

/**
 * The user's moves through the screens, shared by the end-to-end scenarios. Each waits on the page
 * (a heading, a field, the reader status) rather than on time, and every `screen` call saves a PNG
 * and asserts that axe finds no WCAG 2.2 AA violation there.
 */

/** Saves the screen as `<prefix>-<name>.png` and fails on any axe violation. */
export async function screen(page: Page, prefix: string, name: string): Promise<void> {
  if (process.env.E2E_TRACE) console.log(new Date().toISOString(), 'screen', name);
  const report = await captureScreen(page, `${prefix}-${name}`);
  if (process.env.E2E_TRACE) console.log(new Date().toISOString(), 'axe done', name);
  expect(report.violations, `axe on ${name} (${report.png})`).toEqual([]);
}

/** Waits until the start screen shows the card in the reader. */
export async function waitForCardReady(page: Page): Promise<void> {
  await expect
    .poll(() => page.getByTestId('reader-status').innerText(), { timeout: SCREEN_WAIT_MS })
    .toMatch(/Your Smartcard is in the reader/);
}

/** Start: ends on the questions screen, whose one warning (the seed's) names the holder. */
export async function startAndConfirmHolder(page: Page, card: TestCard): Promise<void> {
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await page.getByRole('heading', { name: 'Security Questions' }).waitFor();
  await expect
    .poll(() => page.locator('main').innerText(), { timeout: SCREEN_WAIT_MS })
    .toContain(card.holderName);
}

/** Fills each question on screen with the known answer (or `wrong`) and presses Next. */
export async function answerQuestions(page: Page, wrong = false): Promise<void> {
  for (const { match, answer } of KNOWN_ANSWERS) {
    await page.getByLabel(match).fill(wrong ? 'not my answer' : answer);
  }
  await page.getByRole('button', { name: 'Next', exact: true }).click();
}

/** Enters `code` on the code screen and presses Next. */
export async function enterCode(page: Page, code: string): Promise<void> {
  await page.getByLabel('Smartcard Unlock Code', { exact: true }).fill(code);
  await page.getByRole('button', { name: 'Next', exact: true }).click();
}

/** Fills both passcode boxes and presses Confirm. */
export async function setPasscode(page: Page, passcode: string, confirm = passcode): Promise<void> {
  await page.getByLabel('New passcode', { exact: true }).fill(passcode);
  await page.getByLabel('Confirm new passcode', { exact: true }).fill(confirm);
  await page.getByRole('button', { name: 'Confirm', exact: true }).click();
}

/** The failure heading (h1) once a failure screen shows. */
export async function failureHeading(page: Page, title: string): Promise<void> {
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
}

/** Waits for the code screen, and returns the code from the mail received after `since`. */
export async function codeFromMail(stack: E2eStack, page: Page, since: number): Promise<string> {
  await page.getByRole('heading', { name: 'Smartcard Unlock Code', level: 1 }).waitFor();
  const { code, mail } = await stack.codeFromMail(since);
  expect(mail.subject).not.toContain(code);
  return code;
}
