import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import {
  answerQuestions,
  codeFromMail,
  enterCode,
  failureHeading,
  screen,
  setPasscode,
  waitForCardReady,
} from './e2e-flow';
import { passcodeTriesLeft, verifyPasscode } from './e2e-pcsc-check';
import type { E2eScenarioGroup } from './e2e-scenarios';
import { headingFocused, press } from './e2e-keys';

/**
 * The change of passcode (the card alone, no server), the warning at one try left and the
 * forgotten-passcode route it offers, on the real PC/SC stack, with axe and a keyboard-only pass.
 */

/** Fills the change form and presses Change passcode. */
async function changePasscode(page: Page, current: string, next: string): Promise<void> {
  await page.getByLabel('Current passcode', { exact: true }).fill(current);
  await page.getByLabel('New passcode', { exact: true }).fill(next);
  await page.getByLabel('Confirm new passcode', { exact: true }).fill(next);
  await page.getByRole('button', { name: 'Change passcode', exact: true }).click();
}

/** The change-of-passcode scenarios. */
export const passcodeScenarios: E2eScenarioGroup = ({ prefix, stack, openApp }) => {
  it('changes the passcode on the card alone: a wrong current passcode says the tries left, the right one changes it', async () => {
    const card = await stack().newCard({ register: false });
    const { page, logs } = await openApp('change');
    await waitForCardReady(page);
    await page.getByRole('button', { name: 'Change your passcode' }).click();
    await page.getByRole('heading', { level: 1, name: 'Change your passcode' }).waitFor();
    await screen(page, prefix, 'change-passcode');

    const next = 'Kw4!nb9Z';
    await changePasscode(page, '000000', next);
    await page.getByRole('alert').filter({ hasText: 'You have 2 passcode tries left.' }).waitFor();
    await screen(page, prefix, 'change-passcode-wrong');
    expect(await page.getByLabel('Current passcode', { exact: true }).inputValue()).toBe('');

    await changePasscode(page, card.passcode, next);
    await page.getByRole('heading', { level: 1, name: 'Your passcode is changed' }).waitFor();
    await screen(page, prefix, 'change-done');

    // Outside the app's code: the card takes the new passcode and refuses the old one.
    expect(await verifyPasscode(stack().pcscd.env, next)).toBe('9000');
    expect(await verifyPasscode(stack().pcscd.env, card.passcode)).toBe('63C2');
    for (const secret of [next, card.passcode]) expect(logs()).not.toContain(secret);
  });

  it('at one passcode try left, says so before any guess and spends the last try only with consent', async () => {
    const card = await stack().newCard({ register: true });
    expect(await verifyPasscode(stack().pcscd.env, '000000')).toBe('63C2');
    expect(await verifyPasscode(stack().pcscd.env, '000000')).toBe('63C1');
    const { page } = await openApp('one-try-left');
    await waitForCardReady(page);

    // Start finds the card not locked: the screen warns and offers the change.
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await failureHeading(page, 'Your Smartcard is not locked');
    const warning = page.getByRole('heading', { level: 2, name: /1 passcode try left/ });
    await warning.waitFor();
    await screen(page, prefix, 'not-locked-one-try');

    await page.getByRole('button', { name: 'Change your passcode' }).click();
    await page.getByRole('heading', { level: 1, name: 'Change your passcode' }).waitFor();
    await warning.waitFor();
    await screen(page, prefix, 'change-last-try');

    const next = 'Pr3$ent8';
    await changePasscode(page, '000000', next);
    await page.getByRole('alert').filter({ hasText: 'Confirm that you are sure' }).waitFor();
    await screen(page, prefix, 'change-last-try-consent');
    expect(await passcodeTriesLeft(stack().pcscd.env)).toBe('63C1');

    await page.getByRole('checkbox').check();
    await changePasscode(page, card.passcode, next);
    await page.getByRole('heading', { level: 1, name: 'Your passcode is changed' }).waitFor();
    expect(await verifyPasscode(stack().pcscd.env, next)).toBe('9000');
    expect(card.chip().pinTriesLeft).toBe(3);
  });

  it('at one passcode try left, the forgotten-passcode route sets a new passcode through the unlock verification, with no guess', async () => {
    const card = await stack().newCard({ register: true });
    await verifyPasscode(stack().pcscd.env, '000000');
    expect(await verifyPasscode(stack().pcscd.env, '000000')).toBe('63C1');
    const { page, logs } = await openApp('rescue');
    await waitForCardReady(page);
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await failureHeading(page, 'Your Smartcard is not locked');
    await page.getByRole('button', { name: 'I have forgotten my passcode' }).click();

    await page.getByRole('heading', { name: 'Security Questions' }).waitFor();
    const mails = stack().smtp.received.length;
    await answerQuestions(page);
    const code = await codeFromMail(stack(), page, mails);
    await enterCode(page, code);
    await page.getByRole('heading', { name: 'Set a new passcode' }).waitFor();
    const next = 'Rz5#kq1W';
    await setPasscode(page, next);
    await page.getByRole('heading', { level: 1, name: 'Your new passcode is set' }).waitFor();
    await screen(page, prefix, 'forgotten-done');

    expect(await verifyPasscode(stack().pcscd.env, next)).toBe('9000');
    expect(card.chip().puk).not.toBe(card.puk);
    for (const secret of [next, code, card.chip().puk]) expect(logs()).not.toContain(secret);
  });

  it('changes the passcode with the keyboard only, with focus on each step heading', async () => {
    const card = await stack().newCard({ register: false });
    const { page } = await openApp('change-keyboard');
    const keys = page.keyboard;
    await waitForCardReady(page);

    await headingFocused(page, 'Smartcard Unlock');
    await press(page, 'Tab', 'button#start-button: Start');
    await press(page, 'Tab', 'button#register-button: Register for Smartcard Unlock');
    await press(page, 'Tab', 'button#change-button: Change your passcode');
    await keys.press('Enter');

    await headingFocused(page, 'Change your passcode');
    const next = '97531';
    await press(page, 'Tab', 'input#current-passcode: Current passcode');
    await keys.type(card.passcode);
    await press(page, 'Tab', 'button: Show current passcode');
    await press(page, 'Tab', 'input#new-passcode: New passcode');
    await keys.type(next);
    await press(page, 'Tab', 'button: Show new passcode');
    await press(page, 'Tab', 'input#confirm-passcode: Confirm new passcode');
    await keys.type(next);
    await screen(page, prefix, 'keyboard-change-passcode');
    await keys.press('Enter');

    await headingFocused(page, 'Your passcode is changed');
    await press(page, 'Tab', 'button: Finish');
    await keys.press('Space');
    await headingFocused(page, 'Smartcard Unlock');
    expect(await verifyPasscode(stack().pcscd.env, next)).toBe('9000');
  });
};
