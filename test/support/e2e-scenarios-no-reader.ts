import { expect, it } from 'vitest';
import { DEMO_HELP_CONTACTS, helpWording } from '../../src/shared/help';
import { screen, waitForCardReady } from './e2e-flow';
import type { E2eScenarioGroup } from './e2e-scenarios';
import { SCREEN_WAIT_MS } from './e2e-stack';

/**
 * No reader at all: pcscd runs with no reader configured, as on a workstation whose reader is
 * unplugged. The start screen says so, with what to do and whom to call, and updates by itself
 * once the reader (and a card) are back.
 */
export const noReaderScenarios: E2eScenarioGroup = ({ prefix, stack, openApp }) => {
  it('says no smartcard reader was found, with the help contacts, and updates by itself when the reader is back', async () => {
    const { pcscd } = stack();
    await stack().removeAllCards();
    await pcscd.stop();
    let readersBack = false;
    try {
      await pcscd.start({ readers: false });
      const { page } = await openApp('no-reader');
      await expect
        .poll(() => page.getByTestId('reader-status').innerText(), { timeout: SCREEN_WAIT_MS })
        .toContain('No smartcard reader was found.');
      const status = await page.getByTestId('reader-status').innerText();
      expect(status).toContain('Plug in the smartcard reader you normally log in with.');
      expect(await page.getByRole('contentinfo').innerText()).toContain(
        helpWording(DEMO_HELP_CONTACTS).sentence,
      );
      await screen(page, prefix, 'no-reader');

      // Start anyway: the screen says why it cannot go on, and stays on the start screen.
      await page.getByRole('button', { name: 'Start', exact: true }).click();
      await page.getByRole('alert').filter({ hasText: 'No smartcard reader was found.' }).waitFor();
      await page.getByRole('heading', { level: 1, name: 'Smartcard Unlock' }).waitFor();
      await screen(page, prefix, 'no-reader-start');

      // The reader is plugged in and a card inserted: the same page shows the card.
      await pcscd.stop();
      await pcscd.start();
      readersBack = true;
      await stack().newCard({ register: false, enrol: false });
      await waitForCardReady(page);
    } finally {
      // Whatever happened above, the next test gets pcscd with its two readers.
      if (!readersBack) {
        await pcscd.stop();
        await pcscd.start();
      }
    }
  });
};
