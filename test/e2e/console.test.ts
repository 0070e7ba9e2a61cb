import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accessibleConsolePage,
  startConsoleStack,
  type ConsoleStack,
} from '../support/console-browser';
import { chromiumPresent } from '../support/chromium';
import { focused, focusIsVisible, press } from '../support/e2e-keys';
import type { LocalOidcProvider } from '../../scripts/local-oidc-provider';

/**
 * The service desk console in Chromium against the real server and a real OpenID provider: sign-in
 * as each demo account, roles, sign-out, CSRF, the session's end, axe on every page, and the
 * keyboard-only path.
 */

const haveChromium = chromiumPresent('console');

let stack: ConsoleStack;
let provider: LocalOidcProvider;
let browser: Browser;
let now = new Date();

beforeAll(async () => {
  if (!haveChromium) return;
  stack = await startConsoleStack({ consoleClock: () => now });
  ({ provider, browser } = stack);
});
afterAll(async () => {
  await stack?.close();
});

const at = (path: string) => stack.at(path);
const heading = (page: Page) => page.locator('h1').innerText();
const accessible = accessibleConsolePage;
const signIn = (username: string) => stack.signIn(username);

describe.skipIf(!haveChromium)('the service desk console in Chromium', () => {
  it('when a desk operator signs in, then the home page offers desk tasks, passes axe, and reports are refused with 403', async () => {
    const { context, page } = await signIn('desk.operator');
    try {
      expect(await heading(page)).toBe('Service desk home');
      const nav = page.getByRole('navigation', { name: 'Menu' });
      expect(await nav.getByRole('link').allInnerTexts()).toEqual([
        'Find a holder',
        'Approve an assisted unlock',
      ]);
      expect(await page.getByRole('navigation', { name: 'Account' }).innerText()).toContain(
        'Sam Patel (Service desk)',
      );
      await accessible(page, 'home-desk');

      const refused = await page.goto(at('/console/reports'));
      expect(refused?.status()).toBe(403);
      expect(await heading(page)).toBe('You do not have access to this page');
      await accessible(page, 'forbidden');

      const missing = await page.goto(at('/console/no-such-page'));
      expect(missing?.status()).toBe(404);
      expect(await heading(page)).toBe('Page not found');
      await accessible(page, 'not-found');
    } finally {
      await context.close();
    }
  });

  it('when an RA manager signs in, then reports are in the navigation, and the page passes axe', async () => {
    const { context, page } = await signIn('ra.manager');
    try {
      const nav = page.getByRole('navigation', { name: 'Menu' });
      expect(await nav.getByRole('link').allInnerTexts()).toEqual([
        'Find a holder',
        'Approve an assisted unlock',
        'Reports',
      ]);
      await accessible(page, 'home-ra');
    } finally {
      await context.close();
    }
  });

  it('when an account with neither role signs in, then it sees why, with no session', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(at('/console/'));
      await page.getByLabel('Username').fill('no.role');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'You do not have access to this service' }).waitFor();
      expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
      await accessible(page, 'no-role');
      // Still no session: the console sends it to sign in again.
      await page.goto(at('/console/'));
      await page.waitForURL(`${provider.issuer}/interaction/**`);
    } finally {
      await context.close();
    }
  });

  it('when a sign-in comes back that the console did not start, then sign-in failed is shown and passes axe', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      const res = await page.goto(at('/console/callback?code=x&state=y'));
      expect(res?.status()).toBe(400);
      expect(await heading(page)).toBe('Sign-in failed');
      await accessible(page, 'sign-in-failed');
    } finally {
      await context.close();
    }
  });

  it('when a form loses its CSRF token, then the change is refused with 403 and the operator stays signed in', async () => {
    const { context, page } = await signIn('desk.operator');
    try {
      await page.locator('input[name="_csrf"]').evaluate((input) => input.remove());
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { name: 'This form could not be sent' }).waitFor();
      await accessible(page, 'csrf-refused');
      await page.goto(at('/console/'));
      expect(await heading(page)).toBe('Service desk home');
    } finally {
      await context.close();
    }
  });

  it('by keyboard alone: the skip link first, every stop visibly focused in order, and Sign out by Enter', async () => {
    const { context, page } = await signIn('desk.operator');
    try {
      await press(page, 'Tab', 'a: Skip to main content');
      await press(page, 'Enter', /^main#maincontent: /);
      await press(page, 'Tab', 'a: Find a holder');
      // From the top again: the header's stops, in reading order.
      await page.goto(at('/console/'));
      await press(page, 'Tab', 'a: Skip to main content');
      await press(page, 'Tab', 'a: NHS Smartcard Unlock service desk homepage');
      await press(page, 'Tab', 'button: Sign out');
      await press(page, 'Tab', 'a: Find a holder');
      await press(page, 'Tab', 'a: Approve an assisted unlock');
      await press(page, 'Tab', 'a: Find a holder');
      await press(page, 'Tab', 'a: Approve an assisted unlock');
      await page.getByRole('button', { name: 'Sign out' }).focus();
      expect(await focusIsVisible(page)).toBe(true);
      await Promise.all([page.waitForURL(at('/console/signed-out')), page.keyboard.press('Enter')]);
      expect(await heading(page)).toBe('You have been signed out');
      expect(await focused(page)).toBe('body');
      await accessible(page, 'signed-out');
      // Signed out for good: the console asks who it is again.
      await page.goto(at('/console/'));
      await page.waitForURL(`${provider.issuer}/interaction/**`);
    } finally {
      await context.close();
    }
  });

  it('when the operator has been idle past the timeout, then the next page says they were signed out, and passes axe', async () => {
    const { context, page } = await signIn('ra.manager');
    try {
      now = new Date(now.getTime() + 16 * 60_000);
      const res = await page.goto(at('/console/holders'));
      expect(res?.status()).toBe(401);
      expect(await heading(page)).toBe('You have been signed out');
      expect(await page.locator('main').innerText()).toContain('15 minutes');
      await accessible(page, 'session-expired');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${provider.issuer}/interaction/**`);
    } finally {
      await context.close();
    }
  });
});
