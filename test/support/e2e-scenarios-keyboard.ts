import { expect, it } from 'vitest';
import { screen, waitForCardReady } from './e2e-flow';
import { lockWithWrongPasscodes, verifyPasscode } from './e2e-pcsc-check';
import type { E2eScenarioGroup } from './e2e-scenarios';
import { KNOWN_ANSWERS } from './e2e-stack';
import { headingFocused, press, tabTo, tabToAndPress } from './e2e-keys';

/**
 * The happy path by keyboard only (Tab, Shift+Tab, Enter, Space, typing): each step focuses its
 * heading, and one Tab reaches its first control with a visible focus indicator.
 */

/** The keyboard-only happy path. */
export const keyboardScenarios: E2eScenarioGroup = ({ prefix, stack, openApp }) => {
  it('unlocks a card with the keyboard only, with focus on each step heading and one Tab to its first field', async () => {
    const card = await stack().newCard({ register: true });
    await lockWithWrongPasscodes(stack().pcscd.env);
    const { page } = await openApp('keyboard');
    const keys = page.keyboard;
    await waitForCardReady(page);

    await headingFocused(page, 'Smartcard Unlock');
    await press(page, 'Tab', 'button#start-button: Start');
    await keys.press('Enter');

    await headingFocused(page, 'Security Questions');
    expect(await page.locator('main').innerText()).toContain(card.holderName);
    for (const [i, { match, answer }] of KNOWN_ANSWERS.entries()) {
      await press(page, 'Tab', new RegExp(`^input#answer-${i}: .*${match.source}`, 'i'));
      await keys.type(answer);
    }
    await screen(page, prefix, 'keyboard-questions');
    const mails = stack().smtp.received.length;
    await keys.press('Enter');

    await headingFocused(page, 'Smartcard Unlock Code');
    const { code } = await stack().codeFromMail(mails);
    await press(page, 'Tab', 'input#code: Smartcard Unlock Code');
    await keys.type(code);
    await press(page, 'Tab', /^button: /);
    await press(page, 'Shift+Tab', 'input#code: Smartcard Unlock Code');
    await keys.press('Enter');

    // The code may be checked here or with the new passcode: either way this screen comes next.
    await headingFocused(page, 'Set a new passcode');
    const passcode = '8642';
    await press(page, 'Tab', 'input#new-passcode: New passcode');
    await keys.type(passcode);
    await press(page, 'Tab', 'button: Show new passcode');
    await press(page, 'Tab', 'input#confirm-passcode: Confirm new passcode');
    await keys.type(passcode);
    await screen(page, prefix, 'keyboard-new-passcode');
    await keys.press('Enter');

    await headingFocused(page, 'Your Smartcard is unlocked');
    await press(page, 'Tab', 'button: Finish');
    await keys.press('Space');
    await headingFocused(page, 'Smartcard Unlock');

    expect(await verifyPasscode(stack().pcscd.env, passcode)).toBe('9000');
  });

  it('leaves each failure screen by keyboard alone: the heading has focus, Tab reaches its way out, and it leads back to Start', async () => {
    // Cards are made before each app opens: registering one opens its own PC/SC context, and the
    // binding must not see two contexts in two threads of one process.
    await stack().newCard({ register: false });
    await lockWithWrongPasscodes(stack().pcscd.env);
    const first = await openApp('keyboard-not-registered');
    let page = first.page;
    let keys = page.keyboard;
    // Not registered: the failure names the way to register, and Start again returns.
    await waitForCardReady(page);
    await headingFocused(page, 'Smartcard Unlock');
    await press(page, 'Tab', 'button#start-button: Start');
    await keys.press('Enter');
    await headingFocused(page, 'Your Smartcard is not registered');
    await screen(page, prefix, 'keyboard-not-registered');
    await tabToAndPress(page, 'Start again');
    await headingFocused(page, 'Smartcard Unlock');

    // Locked out after three wrong answers, typed and sent by keyboard: only Finish, back to Start.
    await first.close();
    await stack().newCard({ register: true });
    await lockWithWrongPasscodes(stack().pcscd.env);
    ({ page } = await openApp('keyboard-locked-out'));
    keys = page.keyboard;
    await waitForCardReady(page);
    await headingFocused(page, 'Smartcard Unlock');
    await press(page, 'Tab', 'button#start-button: Start');
    await keys.press('Enter');
    await headingFocused(page, 'Security Questions');
    for (let round = 0; round < 3; round++) {
      // After a wrong set, focus is on the error summary: Tab on to the first answer.
      await tabTo(page, /^input#answer-0: /);
      for (let i = 0; i < KNOWN_ANSWERS.length; i++) {
        if (i > 0) await press(page, 'Tab', new RegExp(`^input#answer-${i}: `));
        await keys.press('Control+A');
        await keys.type('not my answer');
      }
      await keys.press('Enter');
      // The tries left change with each answer from the server, so this waits for that answer.
      const left = ['2 more tries left', '1 more try left'][round];
      if (left !== undefined) await page.getByRole('alert').filter({ hasText: left }).waitFor();
    }
    await headingFocused(page, 'You cannot unlock your Smartcard yourself');
    await screen(page, prefix, 'keyboard-locked-out');
    await tabToAndPress(page, 'Finish');
    await headingFocused(page, 'Smartcard Unlock');
  });
};
