import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { LocalOidcProvider } from '../../scripts/local-oidc-provider';
import { startConsoleProvider } from './e2e-console';
import { startRealServer, type RealServer } from '../integration/server/support/real-server';
import { launchChromium } from './chromium';
import { captureScreen } from './e2e-screens';

/** Where a browser signs in to the console: the operator listener's URL and the provider's issuer. */
export interface ConsoleSignIn {
  readonly consoleUrl: string;
  readonly issuer: string;
  /** How long the page's waits may take (Playwright's default otherwise). */
  readonly timeoutMs?: number;
}

/**
 * A fresh browser context signed in to the service desk console as a demo account, through the
 * local OpenID provider's own page; it ends on the console's home page, its heading shown.
 */
export async function signInToConsole(
  browser: Browser,
  where: ConsoleSignIn,
  username: string,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  if (where.timeoutMs !== undefined) context.setDefaultTimeout(where.timeoutMs);
  const page = await context.newPage();
  try {
    await page.goto(`${where.consoleUrl}/console/`);
    await page.waitForURL(`${where.issuer}/interaction/**`);
    await page.getByLabel('Username').fill(username);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${where.consoleUrl}/console/`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    return { context, page };
  } catch (error) {
    await context.close();
    throw error;
  }
}

/** The console's browser tests' chain: a local OpenID provider, the real server with the console on, Chromium. */
export interface ConsoleStack {
  readonly provider: LocalOidcProvider;
  readonly server: RealServer;
  readonly browser: Browser;
  /** A console path on the operator listener. */
  at(path: string): string;
  /** A fresh context signed in as a demo account, on the home page. */
  signIn(username: string): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

/** Starts the provider, the server (its console signing in through that provider) and Chromium. */
export async function startConsoleStack(
  options: { readonly consoleClock?: () => Date } = {},
): Promise<ConsoleStack> {
  const consoleProvider = await startConsoleProvider();
  const { provider } = consoleProvider;
  const server = await startRealServer({
    env: consoleProvider.env,
    ...(options.consoleClock === undefined ? {} : { consoleClock: options.consoleClock }),
  });
  const browser = await launchChromium();
  return {
    provider,
    server,
    browser,
    at: (path) => `${server.operatorUrl}${path}`,
    signIn: (username) =>
      signInToConsole(
        browser,
        { consoleUrl: server.operatorUrl, issuer: provider.issuer },
        username,
      ),
    close: async () => {
      await browser.close();
      await server.close();
      await provider.close();
    },
  };
}

/** axe (violations and incomplete checks), at full width and at 320 px with forced colours. */
export async function accessibleConsolePage(page: Page, name: string): Promise<void> {
  const report = await captureScreen(page, `console-${name}`);
  expect(report.violations, name).toEqual([]);
}
