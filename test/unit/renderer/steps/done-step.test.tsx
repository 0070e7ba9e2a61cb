import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderApp } from '../support/render-app';

describe('done', () => {
  it('when the unlock is complete, then a confirmation panel, the notice and the help line are shown', async () => {
    const { api, user } = await renderApp({
      view: { kind: 'unlock-done', holderName: 'Mr John Rigby' },
    });
    const heading = screen.getByRole('heading', { level: 1, name: 'Your Smartcard is unlocked' });
    expect(heading.className).toContain('nhsuk-panel__heading');
    expect(document.activeElement).toBe(heading);
    expect(
      screen.getByText('Mr John Rigby, your Smartcard now works with your new passcode.'),
    ).toBeDefined();
    expect(
      screen.getByText(/We have sent a notice to your registered email address/),
    ).toBeDefined();
    await user.click(screen.getByRole('button', { name: 'Finish' }));
    expect(api.flowCancel).toHaveBeenCalledTimes(1);
  });

  it('when registration is complete, then it says the card can now be unlocked here', async () => {
    await renderApp({ view: { kind: 'register-done', holderName: 'Mr John Rigby' } });
    expect(
      screen.getByRole('heading', { level: 1, name: 'You are registered for Smartcard Unlock' }),
    ).toBeDefined();
    expect(screen.getByText(/you can unlock it yourself here/)).toBeDefined();
  });
});
