import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  answerQuestions,
  codeFromMail,
  enterCode,
  failureHeading,
  screen,
  setPasscode,
  startAndConfirmHolder,
  waitForCardReady,
} from './e2e-flow';
import {
  lockWithWrongPasscodes,
  passcodeTriesLeft,
  resetWithPuk,
  verifyPasscode,
} from './e2e-pcsc-check';
import {
  e2eSkipReason,
  KNOWN_ANSWERS,
  SCREEN_WAIT_MS,
  startE2eStack,
  type E2eDatabase,
  type E2eStackOptions,
  type E2eStack,
  type OpenApp,
} from './e2e-stack';
import { pcscSkipReason } from './pcscd';

/** What a group of scenarios defined in another file gets: the running stack and an app opener. */
export interface E2eScenarioContext {
  readonly prefix: string;
  /** The stack, started in the suite's beforeAll (so call this inside a test, not at definition). */
  stack(): E2eStack;
  /** Opens the app in a fresh page; it is closed (and its last screen saved) after the test. */
  openApp(name: string, options?: { readonly fakeBrowserClock?: boolean }): Promise<OpenApp>;
}

/** Defines more tests in the suite's describe block, on its stack (see e2e-scenarios-*.ts). */
export type E2eScenarioGroup = (context: E2eScenarioContext) => void;

/**
 * A suite on one stack: starts it (with `options`), closes each test's apps after it, and hands
 * `body` the context scenario groups take. Skipped with a printed reason where the chain cannot run.
 */
export function defineE2eSuite(
  title: string,
  database: E2eDatabase,
  options: E2eStackOptions,
  body: (context: E2eScenarioContext) => void,
): void {
  const skip = pcscSkipReason() ?? e2eSkipReason();
  let stack: E2eStack;
  const open: OpenApp[] = [];
  describe.skipIf(skip !== undefined)(title, () => {
    beforeAll(async () => {
      stack = await startE2eStack(database, options);
    });
    afterEach(async ({ task }) => {
      for (const app of open.splice(0)) {
        const report = await app.close();
        // CI keeps only the output: a failed test's last screen and logs are printed there.
        if (task.result?.state === 'fail') {
          console.error(`[e2e] ${task.name}: what the app showed and logged\n${report}`);
        }
      }
    });
    afterAll(async () => {
      await stack?.dispose();
    });
    body({
      prefix: options.model === 'code-only' ? `${database}-code-only` : database,
      stack: () => stack,
      openApp: async (name, appOptions = {}) => {
        const app = await stack.openApp(
          `${options.model === 'code-only' ? `${database}-code-only` : database}-${name}`,
          appOptions,
        );
        open.push(app);
        return app;
      },
    });
  });
}

/**
 * The end-to-end scenarios, run per database by test/e2e: `full` runs all, otherwise the happy path
 * and the answer lockout (CI budget); `more` adds other files' groups on the same stack.
 */
export function defineScenarios(
  database: E2eDatabase,
  full: boolean,
  more: readonly E2eScenarioGroup[] = [],
): void {
  defineE2eSuite(`the app end to end on ${database}`, database, {}, (context) => {
    const { prefix, openApp } = context;
    let stack: E2eStack;
    // Runs after the suite's own beforeAll, which started the stack.
    beforeAll(() => {
      stack = context.stack();
    });

    it('unlocks a card locked by three wrong passcodes, and the card itself then takes the new passcode and refuses the old PUK', async () => {
      const card = await stack.newCard({ register: true });
      expect(await lockWithWrongPasscodes(stack.pcscd.env)).toEqual(['63C2', '63C1', '63C0']);
      expect(await verifyPasscode(stack.pcscd.env, card.passcode)).toBe('6983');

      const { page, logs } = await openApp('happy');
      await waitForCardReady(page);
      await screen(page, prefix, 'start');
      await page.getByRole('button', { name: 'Start', exact: true }).click();
      await page.getByRole('heading', { name: 'Security Questions' }).waitFor();
      // The seed's one warning, on the questions screen: the holder's name, and do not proceed.
      const holderText = await page.locator('main').innerText();
      expect(holderText).toContain(card.holderName);
      expect(holderText).toContain('If this is not you please do not proceed');
      await screen(page, prefix, 'questions');
      const mails = stack.smtp.received.length;
      await answerQuestions(page);
      const code = await codeFromMail(stack, page, mails);
      await screen(page, prefix, 'code');
      await enterCode(page, code);
      await page.getByRole('heading', { name: 'Set a new passcode' }).waitFor();
      await screen(page, prefix, 'new-passcode');
      const newPasscode = 'Zq7!rT2x';
      await setPasscode(page, newPasscode);
      await page.getByRole('button', { name: 'Finish' }).waitFor();
      await screen(page, prefix, 'done');

      // Outside the app's code: the card answers OpenSC's raw APDUs through pcscd.
      expect(await verifyPasscode(stack.pcscd.env, newPasscode)).toBe('9000');
      expect(await resetWithPuk(stack.pcscd.env, card.puk, '11223344')).toMatch(/^63C[0-9A-F]$/);
      expect(card.chip().puk).not.toBe(card.puk);
      for (const secret of [newPasscode, code, card.puk, card.chip().puk, 'Ford Escort']) {
        expect(logs()).not.toContain(secret);
      }
    });

    it('locks self-service after three wrong answer submissions, and tells the holder to call x4050', async () => {
      const card = await stack.newCard({ register: true });
      await lockWithWrongPasscodes(stack.pcscd.env);
      const { page } = await openApp('answers-lockout');
      await waitForCardReady(page);
      await startAndConfirmHolder(page, card);
      await answerQuestions(page, true);
      await page.getByRole('alert').filter({ hasText: 'did not match' }).waitFor();
      await screen(page, prefix, 'answers-wrong');
      await answerQuestions(page, true);
      await page.getByRole('alert').filter({ hasText: 'did not match' }).waitFor();
      await answerQuestions(page, true);
      await failureHeading(page, 'You cannot unlock your Smartcard yourself');
      expect(await page.locator('main').innerText()).toContain('x4050');
      await screen(page, prefix, 'self-service-locked');
      expect(await passcodeTriesLeft(stack.pcscd.env)).toBe('6983');
      expect(card.chip().pukTriesLeft).toBe(3);
    });

    for (const group of more) group(context);

    if (!full) return;

    /** A registered, locked card and the app open on the questions screen. */
    const lockedCardOnQuestions = async (name: string, fakeBrowserClock = false) => {
      const card = await stack.newCard({ register: true });
      await lockWithWrongPasscodes(stack.pcscd.env);
      const app = await openApp(name, { fakeBrowserClock });
      await waitForCardReady(app.page);
      await startAndConfirmHolder(app.page, card);
      return { card, app, page: app.page };
    };

    it('in browser mode, shows the same screen after a reload (asking first when something is typed), and Back stays in the app', async () => {
      const { page } = await lockedCardOnQuestions('reload-and-back');
      const questions = page.getByRole('heading', { name: 'Security Questions' });
      const first = page.getByLabel(KNOWN_ANSWERS[0].match);
      await first.fill('Ford');
      const asked = page.waitForEvent('dialog');
      const reloading = page.reload().catch(() => undefined);
      const dialog = await asked;
      expect(dialog.type()).toBe('beforeunload');
      await dialog.accept();
      await reloading;
      await questions.waitFor();
      expect(await first.inputValue()).toBe('');
      await first.click();
      await page.goBack();
      await questions.waitFor();
      expect(page.url()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const mails = stack.smtp.received.length;
      await answerQuestions(page);
      await codeFromMail(stack, page, mails);
    });

    it('accepts the right answers after a wrong submission', async () => {
      const { page } = await lockedCardOnQuestions('answers-wrong-then-right');
      await answerQuestions(page, true);
      await page.getByRole('alert').filter({ hasText: 'did not match' }).waitFor();
      const mails = stack.smtp.received.length;
      await answerQuestions(page);
      await codeFromMail(stack, page, mails);
    });

    it('refuses a wrong code on its own screen, counts down before a resend, accepts the resent code, then explains each passcode rule', async () => {
      const { card, page } = await lockedCardOnQuestions('code-resend-policy', true);
      const mails = stack.smtp.received.length;
      await answerQuestions(page);
      const first = await codeFromMail(stack, page, mails);
      // The server checks the code as soon as it is submitted: the holder stays on the code screen.
      await enterCode(page, first === '00000000' ? '11111111' : '00000000');
      await page.getByText('That Smartcard Unlock Code is not right').first().waitFor();
      await page.getByRole('heading', { name: 'Smartcard Unlock Code', level: 1 }).waitFor();
      await screen(page, prefix, 'code-wrong');
      expect(await passcodeTriesLeft(stack.pcscd.env)).toBe('6983');

      const resend = page.getByRole('button', { name: 'Resend code' });
      expect(await resend.isDisabled()).toBe(true);
      expect(await page.locator('#resend-status').innerText()).toMatch(
        /You can ask for a new code in \d+ seconds?\./,
      );
      stack.clock.advance(61);
      await page.clock.fastForward('01:01');
      await expect.poll(() => resend.isEnabled(), { timeout: SCREEN_WAIT_MS }).toBe(true);
      await resend.click();
      const resent = await stack.codeFromMail(mails + 1);
      // The first code died with the resend.
      await enterCode(page, first);
      await page.getByText('That Smartcard Unlock Code is not right').first().waitFor();
      await enterCode(page, resent.code);
      await page.getByRole('heading', { name: 'Set a new passcode' }).waitFor();
      const rules: readonly [string, string, string][] = [
        ['abc', 'abc', 'must be at least 4 characters long'],
        ['abcdefghi', 'abcdefghi', 'must be no more than 8 characters long'],
        ['Zq7!rT2x', 'Zq7!rT2y', 'The two passcodes are not the same'],
        ['pässw0rd', 'pässw0rd', 'not spaces, accented letters or £'],
      ];
      for (const [passcode, confirm, message] of rules) {
        await setPasscode(page, passcode, confirm);
        await page.getByText(message).first().waitFor();
      }
      await screen(page, prefix, 'passcode-rules');
      expect(await passcodeTriesLeft(stack.pcscd.env)).toBe('6983');
      await setPasscode(page, '4711');
      await page.getByRole('button', { name: 'Finish' }).waitFor();
      expect(await verifyPasscode(stack.pcscd.env, '4711')).toBe('9000');
      expect(card.chip().pinTriesLeft).toBe(3);
    });

    it('says the code has expired when it is used after its validity, on the code screen', async () => {
      const { page } = await lockedCardOnQuestions('code-expired');
      const mails = stack.smtp.received.length;
      await answerQuestions(page);
      const code = await codeFromMail(stack, page, mails);
      stack.clock.advance(601);
      await enterCode(page, code);
      await page.getByText('has expired').first().waitFor();
      await page.getByRole('heading', { name: 'Smartcard Unlock Code', level: 1 }).waitFor();
      await screen(page, prefix, 'code-expired');
      expect(await passcodeTriesLeft(stack.pcscd.env)).toBe('6983');
    });

    it('keeps the attempt when the card is pulled at each step, resumes it with Continue once the card is back, and the card loses no tries', async () => {
      const steps = ['questions', 'code', 'new-passcode'] as const;
      const card = await stack.newCard({ register: true });
      await lockWithWrongPasscodes(stack.pcscd.env);
      for (const step of steps) {
        const app = await openApp(`card-pulled-${step}`);
        const { page } = app;
        const questions = page.getByRole('heading', { name: 'Security Questions' });
        const onQuestions = () => questions.waitFor();
        await waitForCardReady(page);
        await page.getByRole('button', { name: 'Start', exact: true }).click();
        await onQuestions();
        if (step === 'code' || step === 'new-passcode') {
          const mails = stack.smtp.received.length;
          await answerQuestions(page);
          const code = await codeFromMail(stack, page, mails);
          if (step === 'new-passcode') {
            await enterCode(page, code);
            await page.getByRole('heading', { name: 'Set a new passcode' }).waitFor();
          }
        }
        const mark = card.process.mark();
        card.process.send('remove');
        await card.process.waitForLine(/^Card removed/, mark);
        await page
          .getByRole('heading', { level: 1, name: 'Insert your Smartcard again' })
          .waitFor();
        if (step === 'questions') await screen(page, prefix, 'reinsert-card');
        const back = card.process.mark();
        card.process.send('insert');
        await card.process.waitForLine(/^Card inserted/, back);
        // pcscd sees the card a poll after the card process connects: wait for that, not for time.
        await expect
          .poll(() => passcodeTriesLeft(stack.pcscd.env).catch((e: Error) => e.message), {
            timeout: SCREEN_WAIT_MS,
          })
          .toBe('6983');
        expect(card.chip().pukTriesLeft).toBe(3);
        expect(await verifyPasscode(stack.pcscd.env, card.passcode)).toBe('6983');
        // The screen notices the card, and Continue goes back to where the holder was.
        await page.getByText('There is a Smartcard in the reader.', { exact: false }).waitFor();
        await page.getByRole('button', { name: 'Continue', exact: true }).click();
        const resumed = {
          questions: { waitFor: onQuestions },
          code: page.getByRole('heading', { name: 'Smartcard Unlock Code', level: 1 }),
          'new-passcode': page.getByRole('heading', { name: 'Set a new passcode' }),
        }[step];
        await resumed.waitFor();
        await app.close();
      }
    });

    /**
     * After Retry: through whichever screens the app shows (the questions) to the code, acting on
     * what each screen says; a failure screen fails the test with its text.
     */
    const continueToCode = async (page: Page, since: number): Promise<string> => {
      const questions = page.getByRole('heading', { name: 'Security Questions' });
      const code = page.getByRole('heading', { name: 'Smartcard Unlock Code', level: 1 });
      const failed = page.getByText('tell them this error code');
      for (;;) {
        await questions.or(code).or(failed).first().waitFor();
        if (await code.isVisible()) return codeFromMail(stack, page, since);
        if (await failed.isVisible()) {
          throw new Error(
            `a failure screen instead of the code:\n${await page.locator('main').innerText()}`,
          );
        }
        if (await questions.isVisible()) {
          await answerQuestions(page);
          await questions.waitFor({ state: 'hidden' });
        }
      }
    };

    it('says the service cannot be reached while the server is stopped, and Retry works once it is back', async () => {
      const { page } = await lockedCardOnQuestions('server-stopped');
      await stack.stopServer();
      try {
        await answerQuestions(page);
        await failureHeading(page, 'The Smartcard Unlock Service cannot be reached');
        await screen(page, prefix, 'server-unreachable');
      } finally {
        await stack.startServer();
      }
      const mails = stack.smtp.received.length;
      await page.getByRole('button', { name: 'Retry' }).click();
      await continueToCode(page, mails);
    });

    it('says the email could not be sent while the mail server is down, keeps the answers, and Resend sends the code once it is back', async () => {
      const { page } = await lockedCardOnQuestions('smtp-down');
      await stack.smtp.down();
      try {
        await answerQuestions(page);
        await page
          .getByRole('heading', { level: 1, name: 'The email could not be sent' })
          .waitFor();
        await screen(page, prefix, 'mail-unavailable');
      } finally {
        await stack.smtp.up();
      }
      const mails = stack.smtp.received.length;
      // No send was counted, so Resend works at once and the questions are not asked again.
      await page.getByRole('button', { name: 'Resend code' }).click();
      const code = await codeFromMail(stack, page, mails);
      await enterCode(page, code);
      await page.getByRole('heading', { name: 'Set a new passcode' }).waitFor();
    });

    it('says a card that is not registered cannot be unlocked here', async () => {
      await stack.newCard({ register: false });
      await lockWithWrongPasscodes(stack.pcscd.env);
      const { page } = await openApp('not-registered');
      await waitForCardReady(page);
      await page.getByRole('button', { name: 'Start', exact: true }).click();
      await failureHeading(page, 'Your Smartcard is not registered');
      await screen(page, prefix, 'not-registered');
    });

    it('says a card the server does not know cannot be unlocked here, as for a failed proof, with the help contacts', async () => {
      await stack.newCard({ register: false, enrol: false });
      await lockWithWrongPasscodes(stack.pcscd.env);
      const { page } = await openApp('unknown-card');
      await waitForCardReady(page);
      await page.getByRole('button', { name: 'Start', exact: true }).click();
      await failureHeading(page, 'This Smartcard cannot be unlocked here');
      expect(await page.locator('main').innerText()).toContain('x4050');
      await screen(page, prefix, 'unknown-card');
    });

    it('says a card that is not a PIV card cannot be unlocked here', async () => {
      await stack.insertNonPivCard();
      const { page } = await openApp('not-piv');
      // The app may refuse the card as soon as it reads it, or only once Start is pressed.
      const refused = page.getByText(
        /cannot be unlocked here|not a smartcard this service can unlock/,
      );
      const ready = page.getByTestId('reader-status').getByText(/Your Smartcard is in the reader/);
      await refused.or(ready).first().waitFor();
      if (await ready.isVisible()) {
        await page.getByRole('button', { name: 'Start', exact: true }).click();
        await failureHeading(page, 'This card cannot be unlocked here');
      }
      await screen(page, prefix, 'not-piv');
    });

    it('finds the card in the second of two readers', async () => {
      await stack.removeAllCards();
      await stack.newCard({ register: false, enrol: false, port: stack.pcscd.ports[1] });
      const { page } = await openApp('two-readers');
      await expect
        .poll(() => page.getByTestId('reader-status').innerText(), { timeout: SCREEN_WAIT_MS })
        .toContain(stack.pcscd.readerNames[1]);
      await screen(page, prefix, 'two-readers');
    });

    it('says the card service is not running when pcscd is stopped', async () => {
      await stack.removeAllCards();
      await stack.pcscd.stop();
      try {
        const { page } = await openApp('no-card-service');
        await expect
          .poll(() => page.locator('main').innerText(), { timeout: SCREEN_WAIT_MS })
          .toMatch(/service is not running|not running|No smartcard reader/i);
        await screen(page, prefix, 'no-card-service');
      } finally {
        await stack.pcscd.start();
      }
    });
  });
}
