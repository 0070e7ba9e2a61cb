import { expect, it } from 'vitest';
import { codeFromMail, enterCode, screen, setPasscode, waitForCardReady } from './e2e-flow';
import { lockWithWrongPasscodes, verifyPasscode } from './e2e-pcsc-check';
import type { E2eScenarioGroup } from './e2e-scenarios';

/**
 * Registration through the screens, then an unlock that only the new answers can pass: the
 * questions chosen here are not the ones the other test cards are registered with.
 */

/** The questions and answers the holder chooses on the registration screen. */
const CHOSEN = [
  { questionId: 'first-pet', match: /first pet/i, answer: 'Rex the Dog' },
  { questionId: 'first-school', match: /first school/i, answer: "St Mary's Primary" },
] as const;

/** Registration of an unlocked card through the UI, then an unlock with the new answers. */
export const registrationScenarios: E2eScenarioGroup = ({ prefix, stack, openApp }) => {
  it('registers an unlocked card through the screens, and the new answers then unlock it once locked', async () => {
    const card = await stack().newCard({ register: false });
    const registering = await openApp('register');
    {
      const { page } = registering;
      await waitForCardReady(page);
      await page.getByRole('button', { name: 'Register for Smartcard Unlock' }).click();
      await page.getByRole('heading', { level: 1, name: 'Log in with Smartcard' }).waitFor();
      // The seed's terms line is the passcode box's hint, read out with it.
      await expect(
        page.getByLabel('Enter your passcode', { exact: true }).getAttribute('aria-describedby'),
      ).resolves.toBeTruthy();
      expect(await page.locator('main').innerText()).toContain(
        'By entering your passcode you confirm your acceptance of the NHS Care Identity Service terms and conditions',
      );
      await screen(page, prefix, 'register-login');
      await page.getByLabel('Enter your passcode', { exact: true }).fill(card.passcode);
      await page.getByRole('button', { name: 'Log in', exact: true }).click();

      await page
        .getByRole('heading', { level: 1, name: 'Choose your security questions' })
        .waitFor();
      expect(await page.locator('main').innerText()).toContain(card.holderName);
      await screen(page, prefix, 'register-questions');
      for (const [i, { questionId, answer }] of CHOSEN.entries()) {
        await page.locator(`#question-${i}`).selectOption(questionId);
        await page.locator(`#register-answer-${i}`).fill(answer);
      }
      const mails = stack().smtp.received.length;
      await page.getByRole('button', { name: 'Next', exact: true }).click();

      await page.getByRole('heading', { level: 1, name: 'Confirm your email address' }).waitFor();
      const { code, mail } = await stack().codeFromMail(mails);
      expect(mail.to).toContain(`holder${card.holderName.split(' ').at(-1)}@nhs.test`);
      await screen(page, prefix, 'register-code');
      await page.getByLabel('Code from the email', { exact: true }).fill(code);
      // Enter submits the form, whatever its button is called.
      await page.getByLabel('Code from the email', { exact: true }).press('Enter');

      await page
        .getByRole('heading', { level: 1, name: 'You are registered for Smartcard Unlock' })
        .waitFor();
      await screen(page, prefix, 'register-done');
      for (const secret of [card.passcode, code, ...CHOSEN.map((c) => c.answer)]) {
        expect(registering.logs()).not.toContain(secret);
      }
      await page.getByRole('button', { name: 'Finish' }).click();
      await page.getByRole('heading', { level: 1, name: 'Smartcard Unlock' }).waitFor();
    }
    await registering.close();

    // Another day: the card is locked by three wrong passcodes. The log-in above verified the
    // passcode, so the card had all three tries again.
    expect(await lockWithWrongPasscodes(stack().pcscd.env)).toEqual(['63C2', '63C1', '63C0']);

    const { page, logs } = await openApp('registered-unlock');
    await waitForCardReady(page);
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Security Questions' }).waitFor();
    // The holder's own questions, not the ones every other test card has.
    for (const { match } of CHOSEN) await expect(page.getByLabel(match).count()).resolves.toBe(1);
    await expect(page.getByLabel(/first car/i).count()).resolves.toBe(0);
    await screen(page, prefix, 'registered-questions');
    for (const { match, answer } of CHOSEN) await page.getByLabel(match).fill(answer);
    const mails = stack().smtp.received.length;
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    const code = await codeFromMail(stack(), page, mails);
    await enterCode(page, code);
    await page.getByRole('heading', { level: 1, name: 'Set a new passcode' }).waitFor();
    await setPasscode(page, '5309');
    await page.getByRole('heading', { level: 1, name: 'Your Smartcard is unlocked' }).waitFor();

    expect(await verifyPasscode(stack().pcscd.env, '5309')).toBe('9000');
    expect(card.chip().pinTriesLeft).toBe(3);
    for (const secret of ['5309', code, ...CHOSEN.map((c) => c.answer)]) {
      expect(logs()).not.toContain(secret);
    }
  });
};
