import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { appError } from '../../../../src/shared/errors';
import { CARD_PRESENT, NO_CARD, ok } from '../support/fake-api';
import { renderApp } from '../support/render-app';
import { newPasscodeView } from '../support/views';

describe('the card was taken out during an unlock', () => {
  it('asks for the same card again, follows the reader, and Continue resumes where the holder was', async () => {
    const { api, user } = await renderApp({ view: { kind: 'reinsert-card' }, reader: NO_CARD });
    expect(
      screen.getByRole('heading', { level: 1, name: 'Insert your Smartcard again' }),
    ).toBeDefined();
    expect(screen.getByTestId('reinsert-reader').textContent).toBe(
      'There is no Smartcard in the reader yet.',
    );
    expect(screen.queryByRole('button', { name: 'Start' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
    api.emitReader(CARD_PRESENT);
    expect(
      await screen.findByText(
        'There is a Smartcard in the reader. Press Continue when you are ready.',
      ),
    ).toBeDefined();
    api.flowResume.mockResolvedValueOnce(ok(newPasscodeView()));
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    expect(api.flowResume).toHaveBeenCalledTimes(1);
    expect(
      await screen.findByRole('heading', { level: 1, name: 'Set a new passcode' }),
    ).toBeDefined();
  });

  it('when Continue finds no card, then the error summary says so above the same screen', async () => {
    await renderApp({
      view: { kind: 'reinsert-card', error: appError('CARD_ABSENT') },
      reader: NO_CARD,
    });
    expect(screen.getByRole('alert').textContent).toContain('There is no smartcard in the reader.');
    expect(screen.getByRole('button', { name: 'Continue' })).toBeDefined();
  });

  it('when Start again is pressed, then the paused attempt is cancelled', async () => {
    const { api, user } = await renderApp({ view: { kind: 'reinsert-card' } });
    await user.click(screen.getByRole('button', { name: 'Start again' }));
    expect(api.flowCancel).toHaveBeenCalledTimes(1);
  });
});
