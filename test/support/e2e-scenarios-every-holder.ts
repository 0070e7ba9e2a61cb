import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { enterCode, screen, setPasscode, waitForCardReady } from './e2e-flow';
import { headingFocused, press, tabToAndPress } from './e2e-keys';
import { lockWithWrongPasscodes, verifyPasscode } from './e2e-pcsc-check';
import type { E2eScenarioGroup } from './e2e-scenarios';
import { SCREEN_WAIT_MS, type E2eStack } from './e2e-stack';
import { answerHashesOf, storeLegacyAnswers } from './legacy-answer-hash';

/**
 * Every holder can unlock (issue 18) through the screens, the real PC/SC stack, real SMTP and the
 * local GOV.UK Notify: the code-only model by text and by email, the channel choice, a Notify
 * failure and its recovery, and an answer hashed before decision 0021 typed in another format.
 */

const MOBILE = '+447700900321';
const MASKED_MOBILE = '07*** ***321';
const CHANNEL_HEADING = 'Where should we send your Smartcard Unlock Code?';

/** The id of what has focus, else its class ('' for none). */
function focusedId(page: Page): Promise<string> {
  return page.evaluate(() => document.activeElement?.id || document.activeElement?.className || '');
}

/**
 * Start, then past the seed's warning naming the holder: on its own screen when the code goes to
 * a single contact (sent only once the holder says the card is theirs), else on the next form.
 */
async function startAndConfirm(page: Page, holderName: string): Promise<void> {
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  const confirm = page.getByRole('button', { name: 'This is my Smartcard, send the code' });
  const form = page.getByRole('heading', {
    level: 1,
    name: /Where should we send|Security Questions/,
  });
  await confirm.or(form).first().waitFor();
  await expect
    .poll(() => page.locator('main').innerText(), { timeout: SCREEN_WAIT_MS })
    .toContain(holderName);
  if (await confirm.isVisible()) await confirm.click();
}

/** Waits for the code screen saying where the code went. */
async function codeScreenSays(page: Page, sentence: string): Promise<void> {
  await page.getByRole('heading', { name: 'Smartcard Unlock Code', level: 1 }).waitFor();
  await expect
    .poll(() => page.locator('main').innerText(), { timeout: SCREEN_WAIT_MS })
    .toContain(sentence);
}

/** The new passcode, then the done screen; the card itself then takes the passcode. */
async function finishWith(
  page: Page,
  passcode: string,
  env: Readonly<Record<string, string>>,
): Promise<void> {
  await page.getByRole('heading', { name: 'Set a new passcode' }).waitFor();
  await setPasscode(page, passcode);
  await page.getByRole('heading', { level: 1, name: 'Your Smartcard is unlocked' }).waitFor();
  expect(await verifyPasscode(env, passcode)).toBe('9000');
}

/** The code screen naming the text, the code from the text sent after `since`, then the passcode. */
async function textedCodeThenPasscode(
  stack: E2eStack,
  page: Page,
  since: number,
  passcode: string,
): Promise<void> {
  await codeScreenSays(
    page,
    `We have sent a Smartcard Unlock Code by text message to ${MASKED_MOBILE}.`,
  );
  const { code } = await stack.codeFromText(since);
  await enterCode(page, code);
  await finishWith(page, passcode, stack.pcscd.env);
}

/** Under the code-only model: cards never registered, a code by text or by email. */
export const codeOnlyScenarios: E2eScenarioGroup = ({ prefix, stack, openApp }) => {
  it('unlocks a card never registered, with only a mobile, by text message: no questions anywhere', async () => {
    const card = await stack().newCard({ register: false, email: null, mobile: MOBILE });
    await lockWithWrongPasscodes(stack().pcscd.env);
    const { page, logs } = await openApp('text');
    await waitForCardReady(page);
    // The start screen words itself by the model once the server has said which.
    await expect
      .poll(() => page.locator('main').innerText(), { timeout: SCREEN_WAIT_MS })
      .toContain('Complete these 2 simple steps to unlock your Smartcard.');
    expect(await page.locator('main').innerText()).not.toMatch(/security questions/i);
    expect(await page.locator('#register-button').count()).toBe(0);
    await screen(page, prefix, 'start');

    const texts = stack().notify.notifications.length;
    await startAndConfirm(page, card.holderName);
    await codeScreenSays(
      page,
      `We have sent a Smartcard Unlock Code by text message to ${MASKED_MOBILE}.`,
    );
    expect(await page.locator('main').innerText()).not.toContain('junk');
    await screen(page, prefix, 'code-by-text');
    const { code, text } = await stack().codeFromText(texts);
    expect(text.recipient).toBe(MOBILE);
    await enterCode(page, code);
    const next = 'Tx7!mq2B';
    await finishWith(page, next, stack().pcscd.env);
    await screen(page, prefix, 'done');

    // The unlock notice goes by text too, and no secret reached the app's log.
    await expect
      .poll(
        () =>
          stack()
            .notify.notifications.slice(texts + 1)
            .map((n) => n.body),
        {
          timeout: SCREEN_WAIT_MS,
        },
      )
      .toContainEqual(expect.stringContaining('Your Smartcard was unlocked'));
    for (const secret of [next, code, card.chip().puk, MOBILE]) {
      expect(logs()).not.toContain(secret);
    }
  });

  it('asks a holder with both contacts where to send the code, by keyboard alone, and sends it by email', async () => {
    const card = await stack().newCard({ register: false, mobile: MOBILE });
    await lockWithWrongPasscodes(stack().pcscd.env);
    const { page } = await openApp('channel-choice');
    await waitForCardReady(page);
    await startAndConfirm(page, card.holderName);
    await page.getByRole('heading', { level: 1, name: CHANNEL_HEADING }).waitFor();
    expect(await page.getByLabel(`Text message to ${MASKED_MOBILE}`).isChecked()).toBe(false);
    await screen(page, prefix, 'channel-choice');

    // Continue with nothing chosen: the summary says why and leads to the first option. From
    // there on the keyboard alone: Tab to the summary's link, Enter, Space to choose, Enter.
    await page.getByRole('button', { name: 'Continue', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'Choose where to send' }).waitFor();
    await screen(page, prefix, 'channel-choice-error');
    await expect
      .poll(() => focusedId(page), { timeout: SCREEN_WAIT_MS })
      .toBe('nhsuk-error-summary');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    expect(await focusedId(page)).toBe('channel-0');
    expect(await page.locator('#channel-0').getAttribute('value')).toBe('email');
    await page.keyboard.press('Space');
    expect(await page.getByLabel(/^Email to /).isChecked()).toBe(true);
    const mails = stack().smtp.received.length;
    await page.keyboard.press('Enter');

    await codeScreenSays(page, 'We have sent a Smartcard Unlock Code by email to');
    const { code, mail } = await stack().codeFromMail(mails);
    expect(mail.to[0]).toMatch(/@nhs\.test$/);
    // The other way is offered as well.
    await page.locator('#other-way-button').waitFor();
    await screen(page, prefix, 'code-by-email');
    await enterCode(page, code);
    await finishWith(page, 'Em4#il9Q', stack().pcscd.env);
  });

  it('says the text message could not be sent while Notify is down, and Resend sends it once Notify is back', async () => {
    const card = await stack().newCard({ register: false, email: null, mobile: MOBILE });
    await lockWithWrongPasscodes(stack().pcscd.env);
    const { page } = await openApp('notify-down');
    await waitForCardReady(page);
    await stack().notify.setFault('service-down');
    try {
      await startAndConfirm(page, card.holderName);
      await headingFocused(page, 'The text message could not be sent');
      await screen(page, prefix, 'text-not-sent');
    } finally {
      await stack().notify.setFault('none');
    }
    // By keyboard: from the focused heading, Tab on to Resend (the send was given back).
    const texts = stack().notify.notifications.length;
    await tabToAndPress(page, 'Resend code');
    await textedCodeThenPasscode(stack(), page, texts, 'Nt5$fy3K');
  });
};

/** Email the only channel offered: a holder with only a mobile has nowhere to be sent a code. */
export const emailOnlyScenarios: E2eScenarioGroup = ({ prefix, stack, openApp }) => {
  it('says there is nowhere to send the code, before anything is asked, and Finish by keyboard leaves', async () => {
    await stack().newCard({ register: false, email: null, mobile: MOBILE });
    await lockWithWrongPasscodes(stack().pcscd.env);
    const { page } = await openApp('keyboard-no-contact');
    await waitForCardReady(page);
    await headingFocused(page, 'Smartcard Unlock');
    await press(page, 'Tab', 'button#start-button: Start');
    await page.keyboard.press('Enter');
    await headingFocused(page, 'There is nowhere to send your code');
    expect(stack().notify.notifications).toHaveLength(0);
    await screen(page, prefix, 'keyboard-no-contact');
    await tabToAndPress(page, 'Finish');
    await headingFocused(page, 'Smartcard Unlock');
  });
};

/** Under questions-and-code with texts offered: the choice after the answers, and old hashes. */
export const channelChoiceScenarios: E2eScenarioGroup = ({ prefix, stack, openApp }) => {
  it('accepts an answer hashed before decision 0021 in another format, then asks where to send the code, and it comes by text', async () => {
    const card = await stack().newCard({ register: true, mobile: MOBILE });
    // As registered before answers ignored spaces: hashes of form 1, without the form marker.
    const before = await storeLegacyAnswers(stack().coreSettings, card.guid, [
      { questionId: 'first-car', answer: 'Ford Escort' },
      { questionId: 'childhood-phone', answer: '0121 496 0000' },
    ]);
    expect(Object.values(before).every((h) => h.startsWith('$argon2id$'))).toBe(true);
    await lockWithWrongPasscodes(stack().pcscd.env);
    const { page } = await openApp('legacy-answer-text');
    await waitForCardReady(page);
    await startAndConfirm(page, card.holderName);
    await page.getByRole('heading', { name: 'Security Questions' }).waitFor();
    await page.getByLabel(/first car/i).fill('FORD escort!');
    await page.getByLabel(/phone number/i).fill('0121-496-0000');
    await page.getByRole('button', { name: 'Next', exact: true }).click();

    await page.getByRole('heading', { level: 1, name: CHANNEL_HEADING }).waitFor();
    const after = await answerHashesOf(stack().coreSettings, card.guid);
    expect(Object.values(after).every((h) => h.startsWith('form2:'))).toBe(true);
    await screen(page, prefix, 'channel-after-answers');
    const texts = stack().notify.notifications.length;
    await page.getByLabel(`Text message to ${MASKED_MOBILE}`).check();
    await page.getByRole('button', { name: 'Continue', exact: true }).click();
    await textedCodeThenPasscode(stack(), page, texts, 'Lg8%cy4D');
    const shown = await stack().services().admin.showCard(card.guid);
    expect(shown.ok && shown.value.wrongAnswerSubmissions).toBe(0);
  });
};
