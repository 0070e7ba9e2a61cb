import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { INFO } from '../support/fake-api';
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
    // Whichever way the holder gets messages: the notice is not said to be an email.
    expect(
      screen.getByText(/We have sent you a notice that your Smartcard was unlocked\./),
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

  it('when the app is set with its own desk, then the help line names it', async () => {
    await renderApp({
      info: { ...INFO, help: { phone: '0121 496 0000', walkIn: 'the IT office in Block B' } },
      view: { kind: 'unlock-done', holderName: 'Mr John Rigby' },
    });
    // The panel's own line and the footer's: both name this trust's desk.
    expect(
      screen.getAllByText(
        'If you require additional help with the smartcard please let us know on 0121 496 0000 or by visiting the IT office in Block B.',
      ),
    ).toHaveLength(2);
    expect(document.body.textContent).not.toContain('x4050');
  });
});
