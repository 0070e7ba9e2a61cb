import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { appError } from '../../../../src/shared/errors';
import { ok } from '../support/fake-api';
import { domText, renderApp, storeText } from '../support/render-app';
import { registerQuestionsView } from '../support/views';

async function atLogin() {
  const rendered = await renderApp();
  await rendered.user.click(screen.getByRole('button', { name: 'Register for Smartcard Unlock' }));
  return rendered;
}

describe('registration log-in', () => {
  it("when Register is pressed, then the seed's log-in page and terms line are shown", async () => {
    await atLogin();
    const heading = screen.getByRole('heading', { level: 1, name: 'Log in with Smartcard' });
    expect(document.activeElement).toBe(heading);
    const box = screen.getByLabelText('Enter your passcode');
    expect(box.getAttribute('type')).toBe('password');
    expect(document.getElementById('login-passcode-hint')?.textContent).toBe(
      'By entering your passcode you confirm your acceptance of the NHS Care Identity Service terms and conditions',
    );
    expect(box.getAttribute('aria-describedby')).toBe('login-passcode-hint');
  });

  it('when Log in is pressed with no passcode, then it asks for one', async () => {
    const { api, user } = await atLogin();
    await user.click(screen.getByRole('button', { name: 'Log in' }));
    expect(screen.getByRole('link', { name: 'Enter your passcode' })).toBeDefined();
    expect(api.registerStart).not.toHaveBeenCalled();
  });

  it('when the passcode is wrong, then the log-in page returns with the tries left and an empty box', async () => {
    const { api, user } = await atLogin();
    api.registerStart.mockResolvedValueOnce(
      ok({ kind: 'failed', error: appError('PASSCODE_WRONG', { triesLeft: 2 }), canRetry: true }),
    );
    await user.type(screen.getByLabelText('Enter your passcode'), '9999');
    await user.click(screen.getByRole('button', { name: 'Log in' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain(
      'The passcode is not right. You have 2 passcode tries left.',
    );
    expect(screen.getByRole('heading', { level: 1, name: 'Log in with Smartcard' })).toBeDefined();
    expect(api.registerStart).toHaveBeenCalledWith({ passcode: '9999' });
    expect(storeText()).not.toContain('9999');
    expect(domText()).not.toContain('9999');
  });

  it('when the passcode is right, then the questions follow', async () => {
    const { api, user } = await atLogin();
    api.registerStart.mockResolvedValueOnce(ok(registerQuestionsView()));
    await user.type(screen.getByLabelText('Enter your passcode'), '1234');
    await user.click(screen.getByRole('button', { name: 'Log in' }));
    expect(
      await screen.findByRole('heading', { level: 1, name: 'Choose your security questions' }),
    ).toBeDefined();
  });

  it('when Cancel is pressed, then the start screen returns', async () => {
    const { user } = await atLogin();
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(
      await screen.findByRole('heading', { level: 1, name: 'Smartcard Unlock' }),
    ).toBeDefined();
  });
});
