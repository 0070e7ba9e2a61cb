import { expect, it } from 'vitest';
import {
  answerQuestions,
  codeFromMail,
  enterCode,
  screen,
  setPasscode,
  startAndConfirmHolder,
  waitForCardReady,
} from './e2e-flow';
import { headingFocused, press, tabTo, tabToAndPress } from './e2e-keys';
import { lockWithWrongPasscodes } from './e2e-pcsc-check';
import type { E2eScenarioGroup } from './e2e-scenarios';
import { SCREEN_WAIT_MS } from './e2e-stack';
import { wording } from '../../src/shared/wording';

/**
 * The failures the seed does not have, by keyboard alone: a "This wasn't me" link from a real
 * unlock notice freezing the card, an expired certificate, and the card pulled mid-flow. Every
 * screen captured is checked by axe at 320 CSS px with forced colours (see e2e-screens.ts).
 */

const NOT_ME_LINK = /https?:\/\/[^\s"<>]+\/not-me\?token=[^\s"<>]+/;

/** Keyboard passes over the failures added by issue 19. */
export const keyboardFailureScenarios: E2eScenarioGroup = ({ prefix, stack, openApp }) => {
  it('freezes self-service from the unlock notice\'s "This wasn\'t me" link by keyboard, once, and the app then refuses the card with only Finish', async () => {
    const card = await stack().newCard({ register: true });
    await lockWithWrongPasscodes(stack().pcscd.env);
    const first = await openApp('not-me-unlock');
    await waitForCardReady(first.page);
    await startAndConfirmHolder(first.page, card);
    const mails = stack().smtp.received.length;
    await answerQuestions(first.page);
    await enterCode(first.page, await codeFromMail(stack(), first.page, mails));
    await setPasscode(first.page, 'N0tMe!42');
    await first.page.getByRole('heading', { name: 'Your Smartcard is unlocked' }).waitFor();
    await first.close();

    // The notice is sent after the unlock without being awaited: wait for the mail itself.
    let link = '';
    await expect
      .poll(
        () => {
          const notice = stack()
            .smtp.received.slice(mails)
            .find((mail) => NOT_ME_LINK.test(mail.text));
          link = notice?.text.match(NOT_ME_LINK)?.[0] ?? '';
          return link;
        },
        { timeout: SCREEN_WAIT_MS },
      )
      .not.toBe('');

    const context = await stack().browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(link);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await screen(page, prefix, 'not-me-link');
      await tabToAndPress(page, 'This wasn’t me — freeze self-service for my Smartcard');
      await page
        .getByRole('heading', {
          level: 1,
          name: 'Self-service unlock is frozen for your Smartcard',
        })
        .waitFor();
      await screen(page, prefix, 'not-me-frozen');
      // Single use: the same link again freezes nothing more and offers no button.
      await page.goto(link);
      await page
        .getByRole('heading', { level: 1, name: 'This unlock has already been reported' })
        .waitFor();
      expect(await page.getByRole('button').count()).toBe(0);
    } finally {
      await context.close();
    }

    const shown = await stack().services().admin.showCard(card.guid);
    expect(shown.ok && shown.value.selfServiceFrozen?.reason).toBe('not-me');
    const trail = await stack().services().admin.auditTrail({ cardId: card.guid });
    expect(trail.ok && trail.value.filter((e) => e.action === 'holder.not-me')).toHaveLength(1);

    // Whoever has the card locks it again: the app refuses it before any question.
    await lockWithWrongPasscodes(stack().pcscd.env);
    const frozen = await openApp('keyboard-frozen');
    await waitForCardReady(frozen.page);
    await headingFocused(frozen.page, 'Smartcard Unlock');
    await press(frozen.page, 'Tab', 'button#start-button: Start');
    await frozen.page.keyboard.press('Enter');
    await headingFocused(frozen.page, wording().errors.SELF_SERVICE_FROZEN.title);
    await screen(frozen.page, prefix, 'keyboard-frozen');
    await tabToAndPress(frozen.page, 'Finish');
    await headingFocused(frozen.page, 'Smartcard Unlock');
  });

  it('refuses a card whose certificate has expired at Start, before any question, by keyboard alone', async () => {
    // Registration refuses it too, so the card was never registered (the unlock proof comes first).
    await stack().newCard({ register: false, certificateExpired: true });
    await lockWithWrongPasscodes(stack().pcscd.env);
    const { page } = await openApp('keyboard-certificate-expired');
    await waitForCardReady(page);
    await headingFocused(page, 'Smartcard Unlock');
    await press(page, 'Tab', 'button#start-button: Start');
    await page.keyboard.press('Enter');
    await headingFocused(page, 'Your Smartcard’s certificate has expired');
    expect(await page.locator('main').innerText()).toContain('Registration Authority');
    await screen(page, prefix, 'keyboard-certificate-expired');
    await tabToAndPress(page, 'Finish');
    await headingFocused(page, 'Smartcard Unlock');
  });

  it('asks for the card again when it is pulled, and Continue by keyboard resumes the same questions', async () => {
    const card = await stack().newCard({ register: true });
    await lockWithWrongPasscodes(stack().pcscd.env);
    const { page } = await openApp('keyboard-reinsert');
    await waitForCardReady(page);
    await press(page, 'Tab', 'button#start-button: Start');
    await page.keyboard.press('Enter');
    await headingFocused(page, 'Security Questions');

    const pulled = card.process.mark();
    card.process.send('remove');
    await card.process.waitForLine(/^Card removed/, pulled);
    await headingFocused(page, 'Insert your Smartcard again');
    await screen(page, prefix, 'keyboard-reinsert-card');
    const back = card.process.mark();
    card.process.send('insert');
    await card.process.waitForLine(/^Card inserted/, back);
    // The reader's change is announced without moving focus; Continue is then the way on.
    await page.getByText('There is a Smartcard in the reader.', { exact: false }).waitFor();
    await tabToAndPress(page, 'Continue');
    await headingFocused(page, 'Security Questions');
    await tabTo(page, /^input#answer-0: /);
  });
};
