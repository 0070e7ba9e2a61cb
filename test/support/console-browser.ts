import type { Browser, BrowserContext, Page } from 'playwright-core';

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
