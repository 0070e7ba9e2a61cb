import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { STEP_LISTS } from '../support/fake-api';
import { questionsView } from '../support/views';
import { renderApp } from '../support/render-app';

describe('who the card belongs to', () => {
  it("when the server names the holder, then the seed's warning is shown before any question", async () => {
    await renderApp({ view: questionsView() });
    expect(
      screen.getByRole('heading', { level: 1, name: 'Check this is your Smartcard' }),
    ).toBeDefined();
    const warning = document.querySelector('.nhsuk-card--warning');
    expect(warning?.textContent).toContain(
      'You are attempting to unlock a Smartcard issued to Mr John Rigby. If this is not you please do not proceed. To do so will result in disciplinary action.',
    );
    expect(warning?.querySelector('strong')?.textContent).toBe('Mr John Rigby');
    expect(screen.queryByRole('textbox')).toBeNull();
  });

  it('when the holder confirms by keyboard, then the questions follow with focus on their heading', async () => {
    const { user } = await renderApp({ view: questionsView() });
    await user.keyboard('{Tab}{Enter}');
    const heading = screen.getByRole('heading', { level: 1, name: 'Security Questions' });
    expect(document.activeElement).toBe(heading);
  });

  it('when the flow lists no holder confirmation, then the questions come at once', async () => {
    const steps = STEP_LISTS.map((list) => ({
      ...list,
      steps: list.steps.map((step) => ({ ...step, confirmHolder: false })),
    }));
    await renderApp({ view: questionsView(), steps });
    expect(screen.getByRole('heading', { level: 1, name: 'Security Questions' })).toBeDefined();
  });

  it('when it is not their card, then the attempt is cancelled', async () => {
    const { api, user } = await renderApp({ view: questionsView() });
    await user.click(screen.getByRole('button', { name: 'This is not my Smartcard' }));
    expect(api.flowCancel).toHaveBeenCalledTimes(1);
    expect(
      await screen.findByRole('heading', { level: 1, name: 'Smartcard Unlock' }),
    ).toBeDefined();
  });
});
