import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit } from '../../server/storage/audit-repository';
import {
  accessibleConsolePage,
  startConsoleStack,
  type ConsoleStack,
} from '../support/console-browser';
import { chromiumPresent } from '../support/chromium';
import { focused, press } from '../support/e2e-keys';
import { makeTestCard, type RealServer } from '../integration/server/support/real-server';

/**
 * The desk's holder pages and the RA managers' reports in Chromium against the real server and a
 * real OpenID provider: every action by its form with its audit row, the errors, axe on every
 * page (and at 320 px with forced colours), and an action by keyboard alone.
 */

const haveChromium = chromiumPresent('console-holders');

let stack: ConsoleStack;
let server: RealServer;
const card = makeTestCard('c3'.repeat(16));

beforeAll(async () => {
  if (!haveChromium) return;
  stack = await startConsoleStack();
  ({ server } = stack);
  const imported = await server.core.admin.importCards(
    [
      {
        cardId: card.cardId,
        holderName: 'Mr John Rigby',
        email: 'john.rigby@nhs.net',
        site: 'City Hospital',
        pivAuthentication: card.spki['9A'],
        cardAuthentication: card.spki['9E'],
        puk: '12345678',
      },
    ],
    'tester',
  );
  if (!imported.ok) throw new Error(imported.error.code);
  // Two unlocks today, one of them approved by the desk, so the report has bars to draw.
  const at = (secondsAgo: number) => new Date(Date.now() - secondsAgo * 1000).toISOString();
  for (const [attemptId, approved] of [
    ['attempt-one', false],
    ['attempt-two', true],
  ] as const) {
    const row = { cardId: card.cardId, attemptId, sourceAddress: '10.0.0.7', requestId: null };
    await appendAudit(server.core.database.db, {
      ...row,
      at: at(300),
      action: 'unlock.start',
      outcome: 'ok',
    });
    if (approved) {
      await appendAudit(server.core.database.db, {
        ...row,
        at: at(200),
        action: 'unlock.desk-approval',
        outcome: 'ok',
      });
    }
    await appendAudit(server.core.database.db, {
      ...row,
      at: at(60),
      action: 'unlock.outcome',
      outcome: 'ok',
    });
  }
});
afterAll(async () => {
  await stack?.close();
});

const at = (path: string) => stack.at(path);
const heading = (page: Page) => page.locator('h1').innerText();
const accessible = accessibleConsolePage;
const signIn = (username: string) => stack.signIn(username);

/** The card's newest audit row. */
async function lastRow() {
  const trail = await server.core.admin.auditTrail({ cardId: card.cardId, limit: 1 });
  if (!trail.ok) throw new Error(trail.error.code);
  return trail.value[0];
}

/** The success banner's text. */
const banner = (page: Page) => page.locator('.nhsuk-notification-banner__content').innerText();

describe.skipIf(!haveChromium)('the console’s holder pages and reports in Chromium', () => {
  it('when a desk operator finds a holder and takes every action, then each is confirmed, audited with them and their reason, and every page passes axe', async () => {
    const { context, page } = await signIn('desk.operator');
    try {
      await page
        .getByRole('navigation', { name: 'Menu' })
        .getByRole('link', { name: 'Find a holder' })
        .click();
      expect(await heading(page)).toBe('Find a holder');
      await accessible(page, 'holders-search');
      await page.getByLabel('Name, email address, mobile number or card ID').fill('rigby');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByRole('table').waitFor();
      await accessible(page, 'holders-results');
      await page.getByRole('link', { name: 'Mr John Rigby' }).click();
      expect(await heading(page)).toBe('Mr John Rigby');
      await accessible(page, 'holder-card');

      // A form without its reason: the error summary, the field's message, and nothing done.
      const before = await lastRow();
      await page.getByRole('button', { name: 'Clear lockout' }).click();
      expect(await page.title()).toMatch(/^Error: Mr John Rigby/);
      await page.getByRole('link', { name: 'Enter a reason for clearing the lockout' }).waitFor();
      await accessible(page, 'holder-card-error');
      expect(await lastRow()).toEqual(before);

      const actions = [
        [
          'Reason for freezing self-service',
          'Freeze self-service',
          'frozen for this card',
          'admin.freeze',
        ],
        [
          'Reason for unfreezing self-service',
          'Unfreeze self-service',
          'is unfrozen',
          'admin.unfreeze',
        ],
        [
          'Reason for clearing the lockout',
          'Clear lockout',
          'was not locked out',
          'admin.clear-lockout',
        ],
        [
          'Reason for resetting the registration',
          'Reset registration',
          'registration was reset',
          'admin.reset-registration',
        ],
      ] as const;
      for (const [label, button, said, action] of actions) {
        await page.getByLabel(label).fill(`${button} INC100`);
        await page.getByRole('button', { name: button, exact: true }).click();
        expect(await banner(page)).toContain(said);
        expect(await lastRow()).toMatchObject({
          action,
          outcome: 'ok',
          sourceAddress: 'console:desk.operator',
          detail: expect.stringContaining(`reason=${button} INC100`),
        });
      }
      await accessible(page, 'holder-card-done');

      await page.getByLabel('Email address', { exact: true }).fill('j.rigby@nhs.net');
      await page.getByLabel('UK mobile number').fill('07700 900123');
      await page.getByLabel('Reason for changing the contact details').fill('holder moved INC101');
      await page.getByRole('button', { name: 'Save contact details' }).click();
      expect(await banner(page)).toContain('The contact details were saved.');
      expect(await lastRow()).toMatchObject({
        action: 'admin.set-contact',
        sourceAddress: 'console:desk.operator',
        detail:
          'changed=email,mobile;email=j****y@nhs.net;mobile=07*** ***123;reason=holder moved INC101',
      });
      expect(await page.locator('main').innerText()).toContain('+447700900123');
    } finally {
      await context.close();
    }
  });

  it('by keyboard alone: the error summary leads to the field, and Enter there freezes the card', async () => {
    const { context, page } = await signIn('desk.operator');
    try {
      await page.goto(at(`/console/holders/${card.cardId}`));
      await page.getByRole('button', { name: 'Freeze self-service' }).focus();
      await page.keyboard.press('Enter');
      await page.waitForURL(at(`/console/holders/${card.cardId}/freeze`));
      await page.getByRole('link', { name: 'Enter a reason for freezing self-service' }).focus();
      await press(page, 'Enter', 'input#freeze-reason: Reason for freezing self-service');
      await page.keyboard.type('keyboard only INC102');
      await page.keyboard.press('Enter');
      await page.locator('.nhsuk-notification-banner').waitFor();
      expect(await banner(page)).toContain('frozen for this card');
      expect(await lastRow()).toMatchObject({
        action: 'admin.freeze',
        detail: 'frozen=now;reason=keyboard only INC102',
      });
      expect(await focused(page)).toBe('body');
    } finally {
      await context.close();
    }
  });

  it('when an RA manager opens reports, then totals, chart and tables show today’s unlocks, bad dates are errors, the CSV downloads, and each passes axe', async () => {
    const { context, page } = await signIn('ra.manager');
    try {
      await page
        .getByRole('navigation', { name: 'Menu' })
        .getByRole('link', { name: 'Reports' })
        .click();
      expect(await heading(page)).toBe('Reports');
      const main = await page.locator('main').innerText();
      expect(main).toMatch(/Self-service unlocks\s+1/);
      expect(main).toMatch(/Unlocks approved by the service desk\s+1/);
      expect(await page.getByRole('img', { name: /Unlocks per day/ }).count()).toBe(1);
      await accessible(page, 'reports');

      const download = page.waitForEvent('download');
      await page.getByRole('link', { name: /Download this report as a CSV file/ }).click();
      expect((await download).suggestedFilename()).toMatch(/^smartcard-unlock-activity-.*\.csv$/);

      const from = page.getByRole('group', { name: 'From' });
      await from.getByLabel('Day').fill('31');
      await from.getByLabel('Month').fill('2');
      await page.getByRole('button', { name: 'Show report' }).click();
      await page.getByRole('link', { name: 'Start date must be a real date' }).waitFor();
      await accessible(page, 'reports-error');
    } finally {
      await context.close();
    }
  });
});
