import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  answerQuestions,
  failureHeading,
  screen,
  setPasscode,
  startAndConfirmHolder,
  waitForCardReady,
} from './e2e-flow';
import { lockWithWrongPasscodes, verifyPasscode } from './e2e-pcsc-check';
import type { E2eScenarioGroup } from './e2e-scenarios';
import { SCREEN_WAIT_MS, type E2eStack } from './e2e-stack';

/**
 * The assisted unlock end to end (docs/decisions/0025-assisted-unlock.md): the holder asks the
 * desk, reads the reference, the desk approves it through the same domain function as its console
 * and CLI, and the app goes on by itself. Every screen captured is checked by axe.
 */

const ASK = 'Ask the service desk to approve this unlock';

/** Asks the desk from the screen on show, and reads the reference it then shows. */
async function askDesk(page: Page, button = ASK): Promise<string> {
  await page.getByRole('button', { name: button }).click();
  await page
    .getByRole('heading', { level: 1, name: 'Ask the service desk to approve your unlock' })
    .waitFor();
  return (await page.getByTestId('approval-reference').innerText()).trim();
}

/** The desk's approval, as its console and `npm run admin -- approve` make it. */
const approve = (stack: E2eStack, reference: string) =>
  stack.services().assistedUnlock.approve({
    reference,
    operator: { via: 'admin', name: 'e2e-desk' },
    reason: 'INC-E2E-1',
  });

/** The card's audit rows as `action outcome detail`, oldest first. */
async function trail(stack: E2eStack, cardId: string): Promise<string[]> {
  const rows = await stack.services().admin.auditTrail({ cardId });
  if (!rows.ok) throw new Error(rows.error.code);
  return rows.value.map((e) => `${e.action} ${e.outcome} ${e.detail ?? ''}`.trim()).reverse();
}

/** The assisted unlock's scenarios, on the suite's stack. */
export const assistedScenarios: E2eScenarioGroup = ({ prefix, stack, openApp }) => {
  it('locked out by wrong answers, the holder reads a reference to the desk, whose approval leads the app to the new passcode by itself; the card takes it and the reference cannot be approved twice', async () => {
    const card = await stack().newCard({ register: true });
    await lockWithWrongPasscodes(stack().pcscd.env);
    const { page, logs } = await openApp('assisted-locked-out');
    await waitForCardReady(page);
    await startAndConfirmHolder(page, card);
    for (let wrong = 0; wrong < 2; wrong++) {
      await answerQuestions(page, true);
      await page.getByRole('alert').filter({ hasText: 'did not match' }).waitFor();
    }
    await answerQuestions(page, true);
    await failureHeading(page, 'You cannot unlock your Smartcard yourself');
    await screen(page, prefix, 'assisted-locked-out');

    const reference = await askDesk(page);
    expect(reference).toMatch(/^[2-9A-HJKMNP-Z]{3}-[2-9A-HJKMNP-Z]{3}$/);
    expect(await page.locator('main').innerText()).toContain(
      'Call the IT service desk on x4050 and read them this reference.',
    );
    await screen(page, prefix, 'assisted-reference');

    const approved = await approve(stack(), reference);
    expect(approved.ok && approved.value.holderName).toBe(card.holderName);
    // The app asks every few seconds: the screen moves on by itself, no button pressed.
    await page.getByRole('heading', { name: 'Set a new passcode' }).waitFor();
    await screen(page, prefix, 'assisted-new-passcode');
    const newPasscode = 'D3sk!0k';
    await setPasscode(page, newPasscode);
    await page.getByRole('button', { name: 'Finish' }).waitFor();
    await screen(page, prefix, 'assisted-done');
    expect(await verifyPasscode(stack().pcscd.env, newPasscode)).toBe('9000');
    expect(card.chip().puk).not.toBe(card.puk);

    const again = await approve(stack(), reference);
    expect(again.ok ? 'approved twice' : again.error.code).toBe('REFERENCE_USED');
    // The outcome is reported after the done screen: wait for its row.
    await expect
      .poll(() => trail(stack(), card.guid), { timeout: SCREEN_WAIT_MS })
      .toEqual(
        expect.arrayContaining([
          'unlock.answers SELF_SERVICE_LOCKED locked=now',
          'unlock.approval ok reference=1',
          'unlock.desk-approval ok reference=1;reason=INC-E2E-1',
          expect.stringMatching(/^unlock\.puk-release ok releasesToday=1;rotation=new;via=desk$/),
          expect.stringMatching(/^unlock\.outcome ok pukOnCard=next;rotation=committed;via=desk$/),
          'unlock.desk-approval REFERENCE_USED reason=INC-E2E-1',
        ]),
      );
    for (const secret of [newPasscode, card.puk, card.chip().puk]) {
      expect(logs()).not.toContain(secret);
    }
  });

  it('from the questions, a reference that expires says so, and the new one the desk approves leads on', async () => {
    const card = await stack().newCard({ register: true });
    await lockWithWrongPasscodes(stack().pcscd.env);
    const { page } = await openApp('assisted-expired');
    await waitForCardReady(page);
    await startAndConfirmHolder(page, card);
    await page.getByRole('heading', { level: 2, name: 'Ask the service desk instead' }).waitFor();
    const first = await askDesk(page);
    stack().clock.advance(601);
    await page.getByRole('heading', { level: 1, name: 'Your reference has expired' }).waitFor();
    await screen(page, prefix, 'assisted-expired');
    expect((await approve(stack(), first)).ok).toBe(false);
    const second = await askDesk(page, 'Get a new reference');
    expect(second).not.toBe(first);
    expect((await approve(stack(), second)).ok).toBe(true);
    await page.getByRole('heading', { name: 'Set a new passcode' }).waitFor();
  });
};
