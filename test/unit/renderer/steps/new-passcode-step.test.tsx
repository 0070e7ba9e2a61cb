import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { appError } from '../../../../src/shared/errors';
import { ok } from '../support/fake-api';
import { domText, renderApp, storeText } from '../support/render-app';
import { newPasscodeView } from '../support/views';

const first = () => screen.getByLabelText('New passcode');
const second = () => screen.getByLabelText('Confirm new passcode');
const errorsOf = (id: string) => document.getElementById(`${id}-error`)?.textContent ?? '';

describe('new passcode', () => {
  it('when shown, then the policy is described and reusing the old passcode is allowed', async () => {
    await renderApp({ view: newPasscodeView() });
    expect(screen.getByRole('heading', { level: 1, name: 'Set a new passcode' })).toBeDefined();
    expect(
      screen.getByText(
        'Your passcode must be 4 to 8 characters long. You can use letters, numbers or special characters, or a mixture of them. Spaces and accented letters are not allowed.',
      ),
    ).toBeDefined();
    expect(screen.getByText(/you can use the same passcode you used before/)).toBeDefined();
    expect(first().getAttribute('type')).toBe('password');
    expect(first().getAttribute('aria-describedby')).toBe('new-passcode-hint');
  });

  it.each([
    ['abc', 'Your passcode must be at least 4 characters long.'],
    ['abcdefghi', 'Your passcode must be no more than 8 characters long.'],
    [
      'pässwd',
      'Your passcode can only use letters A to Z, numbers and the special characters on a UK keyboard.',
    ],
    ['pass word', 'Spaces and accented letters are not allowed.'],
  ])('when %j is typed, then the problem shows as it is typed', async (typed, message) => {
    const { user } = await renderApp({ view: newPasscodeView() });
    await user.type(first(), typed);
    expect(errorsOf('new-passcode')).toContain(message);
    expect(first().getAttribute('aria-describedby')).toBe('new-passcode-hint new-passcode-error');
  });

  it('when nothing has been typed yet, then neither box shows a problem', async () => {
    await renderApp({ view: newPasscodeView() });
    expect(errorsOf('new-passcode')).toBe('');
    expect(errorsOf('confirm-passcode')).toBe('');
  });

  it('when only the first box is filled, then the second waits for Confirm before asking', async () => {
    const { user } = await renderApp({ view: newPasscodeView() });
    await user.type(first(), 'Ab1!');
    expect(errorsOf('confirm-passcode')).toBe('');
  });

  it('when a valid passcode is typed, then no problem shows', async () => {
    const { user } = await renderApp({ view: newPasscodeView() });
    await user.type(first(), 'Ab1!');
    expect(errorsOf('new-passcode')).toBe('');
  });

  it('when the policy requires digits, then letters and short passcodes are refused as typed', async () => {
    const { user } = await renderApp({ view: newPasscodeView('digits-6-8') });
    expect(
      screen.getByText('Your passcode must be 6 to 8 numbers long, using the numbers 0 to 9 only.'),
    ).toBeDefined();
    await user.type(first(), '12a45');
    expect(errorsOf('new-passcode')).toContain('Your passcode must use the numbers 0 to 9 only.');
    expect(errorsOf('new-passcode')).toContain('Your passcode must be at least 6 characters long.');
  });

  it('when the confirmation is still a beginning of the passcode, then it waits; once it differs, it says so', async () => {
    const { user } = await renderApp({ view: newPasscodeView() });
    await user.type(first(), 'Ab1!x');
    await user.type(second(), 'Ab1');
    expect(errorsOf('confirm-passcode')).toBe('');
    await user.type(second(), '?');
    expect(errorsOf('confirm-passcode')).toContain(
      'The two passcodes are not the same. Type the same passcode in both boxes.',
    );
  });

  it('when Confirm is pressed with both boxes empty, then the summary lists both problems', async () => {
    const { api, user } = await renderApp({ view: newPasscodeView() });
    await user.click(screen.getByRole('button', { name: 'Confirm' }));
    expect(screen.getByRole('link', { name: 'Enter a new passcode.' })).toBeDefined();
    expect(
      screen.getByRole('link', { name: 'Enter your new passcode again to confirm it.' }),
    ).toBeDefined();
    expect(api.unlockSetPasscode).not.toHaveBeenCalled();
  });

  it('when Show is pressed, then the passcode is readable, and Hide masks it again', async () => {
    const { user } = await renderApp({ view: newPasscodeView() });
    await user.click(screen.getByRole('button', { name: 'Show new passcode' }));
    expect(first().getAttribute('type')).toBe('text');
    await user.click(screen.getByRole('button', { name: 'Hide new passcode' }));
    expect(first().getAttribute('type')).toBe('password');
  });

  it('when the card rejects the passcode, then the screen says so and both boxes are empty', async () => {
    const { api, user } = await renderApp({ view: newPasscodeView() });
    api.unlockSetPasscode.mockResolvedValueOnce(
      ok({ ...newPasscodeView(), error: appError('PASSCODE_REJECTED') }),
    );
    await user.type(first(), 'Ab1!');
    await user.type(second(), 'Ab1!');
    await user.click(screen.getByRole('button', { name: 'Confirm' }));
    const alert = await screen.findByRole('alert');
    expect(api.unlockSetPasscode).toHaveBeenCalledWith({ passcode: 'Ab1!', confirmation: 'Ab1!' });
    expect(alert.textContent).toContain('Your smartcard did not accept the new passcode.');
    expect(alert.textContent).toContain('call x4050');
    expect(first()).toHaveProperty('value', '');
    expect(second()).toHaveProperty('value', '');
    expect(storeText()).not.toContain('Ab1!');
    expect(domText()).not.toContain('Ab1!');
  });
});
