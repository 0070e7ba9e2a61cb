import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { signInToConsole } from '../support/console-browser';
import { screen, setPasscode, startAndConfirmHolder, waitForCardReady } from '../support/e2e-flow';
import { focused, press } from '../support/e2e-keys';
import { lockWithWrongPasscodes, verifyPasscode } from '../support/e2e-pcsc-check';
import { defineE2eSuite } from '../support/e2e-scenarios';
import { SCREEN_WAIT_MS, type E2eStack } from '../support/e2e-stack';

/**
 * The assisted unlock end to end with the desk in the service desk console (issue 20): the holder's
 * app in browser mode with a virtual card over pcscd shows a reference; the desk, signed in through
 * the local OpenID provider, approves it in Chromium; the app moves on by itself.
 */

/** The holder asks the desk from the questions screen; the reference their screen shows. */
async function askDesk(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Ask the service desk to approve this unlock' }).click();
  await page
    .getByRole('heading', { level: 1, name: 'Ask the service desk to approve your unlock' })
    .waitFor();
  return (await page.getByTestId('approval-reference').innerText()).trim();
}

/** A desk operator's browser, signed in to the stack's console, on the approvals page. */
async function deskOnApprovals(stack: E2eStack) {
  if (stack.console === undefined) throw new Error('the stack was started without the console');
  const desk = await signInToConsole(
    stack.browser,
    { ...stack.console, timeoutMs: SCREEN_WAIT_MS },
    'desk.operator',
  );
  await desk.page
    .getByRole('navigation', { name: 'Menu' })
    .getByRole('link', { name: 'Approve an assisted unlock' })
    .click();
  await desk.page.getByRole('heading', { level: 1, name: 'Approve an assisted unlock' }).waitFor();
  return desk;
}

/** Types a reference on the approvals page and asks whose unlock it names. */
async function findUnlock(page: Page, typed: string): Promise<void> {
  await page.getByLabel('Reference', { exact: true }).fill(typed);
  await page.getByRole('button', { name: 'Find the unlock' }).click();
}

/** The card's audit rows as `action outcome source detail`. */
async function trail(stack: E2eStack, cardId: string): Promise<string[]> {
  const rows = await stack.services().admin.auditTrail({ cardId });
  if (!rows.ok) throw new Error(rows.error.code);
  return rows.value.map((e) => `${e.action} ${e.outcome} ${e.sourceAddress} ${e.detail ?? ''}`);
}

defineE2eSuite(
  'the assisted unlock approved in the service desk console',
  'sqlite',
  { console: true },
  ({ prefix, stack, openApp }) => {
    it('the holder reads the reference on their screen, the desk approves it in the console, the app moves on by itself, the card takes the new passcode, and the reference cannot be approved twice', async () => {
      const card = await stack().newCard({ register: true });
      await lockWithWrongPasscodes(stack().pcscd.env);
      const { page: app, logs } = await openApp('console-assisted');
      await waitForCardReady(app);
      await startAndConfirmHolder(app, card);
      const reference = await askDesk(app);
      expect(reference).toMatch(/^[2-9A-HJKMNP-Z]{3}-[2-9A-HJKMNP-Z]{3}$/);

      const desk = await deskOnApprovals(stack());
      try {
        const { page } = desk;
        // As a desk operator may type it: lower case, no hyphen, a space.
        await findUnlock(page, ` ${reference.replace('-', '').toLowerCase()}`);
        await page.getByRole('heading', { level: 1, name: 'Check whose unlock this is' }).waitFor();
        const facts = await page.locator('main').innerText();
        for (const text of [reference, card.holderName, card.guid, 'Unlock started']) {
          expect(facts).toContain(text);
        }

        // A second tab on the same reference, as a colleague might have it open.
        const late = await desk.context.newPage();
        await late.goto(`${stack().console?.consoleUrl}/console/approvals`);
        await findUnlock(late, reference);
        await late.getByRole('heading', { level: 1, name: 'Check whose unlock this is' }).waitFor();

        await page.getByRole('button', { name: 'Approve unlock' }).click();
        await page
          .getByRole('link', { name: /Confirm you have checked the caller’s identity/ })
          .waitFor();
        await page.getByRole('link', { name: 'Enter a reason for approving the unlock' }).waitFor();
        await screen(page, prefix, 'console-approval-errors');
        await page.getByLabel('I have checked the caller’s identity').check();
        await page.getByLabel('Reason for approving the unlock').fill('INC-E2E-7 called back');
        await page.getByRole('button', { name: 'Approve unlock' }).click();
        await page.getByText('Unlock approved — the holder’s app will move on by itself').waitFor();
        await screen(page, prefix, 'console-approval-done');
        const cardLink = page.getByRole('link', { name: /See the card and audit trail of/ });
        expect(await cardLink.getAttribute('href')).toBe(`/console/holders/${card.guid}`);

        // The app asks every few seconds: its screen moves on with nobody pressing anything.
        await app.getByRole('heading', { name: 'Set a new passcode' }).waitFor();
        const newPasscode = 'C0ns0le!';
        await setPasscode(app, newPasscode);
        await app.getByRole('button', { name: 'Finish' }).waitFor();
        expect(await verifyPasscode(stack().pcscd.env, newPasscode)).toBe('9000');
        expect(card.chip().puk).not.toBe(card.puk);

        // The same reference again, from the tab opened before the approval.
        await late.getByLabel('I have checked the caller’s identity').check();
        await late.getByLabel('Reason for approving the unlock').fill('INC-E2E-8');
        await late.getByRole('button', { name: 'Approve unlock' }).click();
        await late
          .getByRole('link', { name: /was approved already, at .* by console:desk\.operator/ })
          .waitFor();
        await screen(late, prefix, 'console-approval-used');

        // The outcome is reported after the done screen: wait for its row.
        await expect
          .poll(() => trail(stack(), card.guid), { timeout: SCREEN_WAIT_MS })
          .toEqual(
            expect.arrayContaining([
              'unlock.desk-approval ok console:desk.operator reference=1;reason=INC-E2E-7 called back',
              expect.stringMatching(
                /^unlock\.outcome ok \S+ pukOnCard=next;rotation=committed;via=desk$/,
              ),
              'unlock.desk-approval REFERENCE_USED console:desk.operator reason=INC-E2E-8',
            ]),
          );
        for (const secret of [newPasscode, card.puk, card.chip().puk]) {
          expect(logs()).not.toContain(secret);
        }
      } finally {
        await desk.context.close();
      }
    });

    it('by keyboard alone: the desk finds, checks and approves an unlock, every stop visibly focused', async () => {
      const card = await stack().newCard({ register: true });
      await lockWithWrongPasscodes(stack().pcscd.env);
      const { page: app } = await openApp('console-assisted-keyboard');
      await waitForCardReady(app);
      await startAndConfirmHolder(app, card);
      const reference = await askDesk(app);

      const desk = await deskOnApprovals(stack());
      try {
        const { page } = desk;
        await screen(page, prefix, 'console-approvals');
        await press(page, 'Tab', 'a: Skip to main content');
        await press(page, 'Enter', /^main#maincontent: /);
        await press(page, 'Tab', 'input#reference: Reference');
        await page.keyboard.type(reference);
        await page.keyboard.press('Enter');
        await page.getByRole('heading', { level: 1, name: 'Check whose unlock this is' }).waitFor();
        expect(await focused(page)).toBe('body');
        await screen(page, prefix, 'console-approval-check');
        await press(page, 'Tab', 'a: Skip to main content');
        await press(page, 'Enter', /^main#maincontent: /);
        // The checkbox itself is hidden under its drawn box, which shows the focus.
        await page.keyboard.press('Tab');
        expect(await focused(page)).toBe(
          'input#identity-checked: I have checked the caller’s identity',
        );
        const box = await page.evaluate(
          () =>
            getComputedStyle(document.querySelector('label[for="identity-checked"]')!, '::before')
              .boxShadow,
        );
        expect(box).not.toBe('none');
        await page.keyboard.press('Space');
        await press(page, 'Tab', 'input#reason: Reason for approving the unlock');
        await page.keyboard.type('INC-E2E-9 by keyboard');
        await press(page, 'Tab', 'button: Approve unlock');
        await page.keyboard.press('Enter');
        await page.getByText('Unlock approved — the holder’s app will move on by itself').waitFor();
        await app.getByRole('heading', { name: 'Set a new passcode' }).waitFor();
        expect(await trail(stack(), card.guid)).toContain(
          'unlock.desk-approval ok console:desk.operator reference=1;reason=INC-E2E-9 by keyboard',
        );
      } finally {
        await desk.context.close();
      }
    });
  },
);
