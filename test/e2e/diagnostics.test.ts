import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  answerQuestions,
  codeFromMail,
  enterCode,
  screen,
  setPasscode,
  startAndConfirmHolder,
  waitForCardReady,
} from '../support/e2e-flow';
import { lockWithWrongPasscodes, verifyPasscode } from '../support/e2e-pcsc-check';
import { e2eSkipReason, KNOWN_ANSWERS, startE2eStack, type E2eStack } from '../support/e2e-stack';
import { pcscSkipReason } from '../support/pcscd';

/**
 * The diagnostics screen in real Chromium on the real chain: opened mid-unlock, checked with axe,
 * copied, and left with Back, after which the same unlock goes on to the end.
 */
const skip = pcscSkipReason() ?? e2eSkipReason();

describe.skipIf(skip !== undefined)('the diagnostics screen end to end', () => {
  let stack: E2eStack;

  beforeAll(async () => {
    stack = await startE2eStack('sqlite');
  });
  afterAll(async () => {
    await stack?.dispose();
  });

  it('opens from the footer during an unlock, shows the card, settings and server, copies the report, and Back returns to the unlock, which completes', async () => {
    const card = await stack.newCard({ register: true });
    await lockWithWrongPasscodes(stack.pcscd.env);
    const app = await stack.openApp('diagnostics');
    try {
      const { page } = app;
      await waitForCardReady(page);
      await startAndConfirmHolder(page, card);
      const firstAnswer = page.getByLabel(KNOWN_ANSWERS[0].match);
      await firstAnswer.fill(KNOWN_ANSWERS[0].answer);

      // Keyboard: the footer's button, then Enter.
      await page.getByRole('button', { name: 'About and diagnostics' }).focus();
      await page.keyboard.press('Enter');
      const heading = page.getByRole('heading', { level: 1, name: 'About and diagnostics' });
      await heading.waitFor();
      expect(await heading.evaluate((h) => h === document.activeElement)).toBe(true);
      await page.getByRole('button', { name: 'Copy report' }).waitFor();

      const main = await page.locator('main').innerText();
      expect(main).toContain(`PIV card ${card.guid}, LOCKED`);
      expect(main).toContain(stack.serverUrl);
      expect(main).toContain('the command-line flag --server-url');
      expect(main).toMatch(/Smart card service\s+Running/);
      expect(main).toMatch(/Health check\s+Healthy/);
      // The questions are hidden behind the screen, not gone.
      expect(await firstAnswer.isVisible()).toBe(false);
      await screen(page, 'diagnostics', 'report');

      await page
        .context()
        .grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.bridge.origin });
      await page.getByRole('button', { name: 'Copy report' }).click();
      await page.getByText('Copied. Paste it into your email').waitFor();
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      expect(copied).toMatch(/^Smartcard Unlock diagnostics\n/);
      expect(copied).toContain(`PIV card ${card.guid}, LOCKED`);
      for (const secret of [card.passcode, card.puk, card.chip().puk, KNOWN_ANSWERS[0].answer]) {
        expect(copied).not.toContain(secret);
        expect(main).not.toContain(secret);
      }

      await page.getByRole('button', { name: 'Back', exact: true }).click();
      const questions = page.getByRole('heading', { level: 1, name: 'Security Questions' });
      await questions.waitFor();
      expect(await questions.evaluate((h) => h === document.activeElement)).toBe(true);
      expect(await firstAnswer.inputValue()).toBe(KNOWN_ANSWERS[0].answer);

      // The unlock goes on where it was: the report's card reads between steps disturbed nothing.
      const mails = stack.smtp.received.length;
      await answerQuestions(page);
      const code = await codeFromMail(stack, page, mails);
      await enterCode(page, code);
      await page.getByRole('heading', { name: 'Set a new passcode' }).waitFor();
      await setPasscode(page, 'Dg7!kP2m');
      await page.getByRole('button', { name: 'Finish' }).waitFor();
      expect(await verifyPasscode(stack.pcscd.env, 'Dg7!kP2m')).toBe('9000');
      expect(app.logs()).not.toContain(code);
    } finally {
      await app.close();
    }
  });
});
