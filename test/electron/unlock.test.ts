import { join } from 'node:path';
import { _electron as electron, type ElectronApplication } from 'playwright-core';
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
import { lockWithWrongPasscodes, resetWithPuk, verifyPasscode } from '../support/e2e-pcsc-check';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';
import { pcscSkipReason } from '../support/pcscd';
import { electronAvailability } from './support';

/**
 * The end-to-end happy path through the built Electron app (Playwright's `_electron`) on the same
 * chain as test/e2e: real server, real SMTP, pcscd with the virtual card. Skips with a printed
 * reason where the Electron binary is missing (as on the CI machines, see docs/testing.md).
 */
const electronHere = electronAvailability();
const runHere = electronHere.available && pcscSkipReason() === undefined;

describe.skipIf(!runHere)('the Electron app end to end', () => {
  let stack: E2eStack;
  let app: ElectronApplication | undefined;
  beforeAll(async () => {
    stack = await startE2eStack('sqlite');
  });
  afterAll(async () => {
    await app?.close();
    await stack?.dispose();
  });

  it('unlocks a locked card through the Electron window, and the card takes the new passcode', async () => {
    const card = await stack.newCard({ register: true });
    await lockWithWrongPasscodes(stack.pcscd.env);
    app = await electron.launch({
      executablePath: electronHere.path!,
      args: [join(import.meta.dirname, '../../out/main/index.js')],
      env: {
        ...process.env,
        ...stack.pcscd.env,
        SMARTCARD_UNLOCK_SERVER_URL: stack.serverUrl,
        SMARTCARD_UNLOCK_DEVELOPMENT: 'true',
      },
    });
    const page = await app.firstWindow();
    await waitForCardReady(page);
    await startAndConfirmHolder(page, card);
    const mails = stack.smtp.received.length;
    await answerQuestions(page);
    await enterCode(page, await codeFromMail(stack, page, mails));
    await page.getByRole('heading', { name: 'Set a new passcode' }).waitFor();
    await setPasscode(page, 'Zq7!rT2x');
    await page.getByRole('button', { name: 'Finish' }).waitFor({ timeout: 30_000 });
    await screen(page, 'electron', 'done');
    expect(await verifyPasscode(stack.pcscd.env, 'Zq7!rT2x')).toBe('9000');
    expect(await resetWithPuk(stack.pcscd.env, card.puk, '11223344')).toMatch(/^63C[0-9A-F]$/);
  });
});
