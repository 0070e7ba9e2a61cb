import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { appError } from '../../../../src/shared/errors';
import { ok } from '../support/fake-api';
import { domText, renderApp, storeText } from '../support/render-app';
import { newPasscodeView } from '../support/views';

const first = () => screen.getByLabelText('New passcode');
const second = () => screen.getByLabelText('Confirm new passcode');
const errorsOf = (id: string) => document.getElementById(`${id}-error`)?.textContent ?? '';
/** What the box's live check says while typing: a hint, not an error. */
const checksOf = (id: string) => document.getElementById(`${id}-checks`)?.textContent ?? '';

describe('new passcode', () => {
  it('when shown, then the policy is described and reusing the old passcode is allowed', async () => {
    await renderApp({ view: newPasscodeView() });
    expect(screen.getByRole('heading', { level: 1, name: 'Set a new passcode' })).toBeDefined();
    expect(
      screen.getByText(
        'Your passcode must be 4 to 8 characters long. You can use letters, numbers and special characters, or a mixture of them. You cannot use spaces, accented letters (such as é) or the £ sign.',
      ),
    ).toBeDefined();
    expect(screen.getByText(/you can use the same passcode you used before/)).toBeDefined();
    expect(first().getAttribute('type')).toBe('password');
    expect(first().getAttribute('aria-describedby')).toBe('new-passcode-hint');
  });

  const NOT_ALLOWED =
    'Your passcode can only use letters A to Z, numbers and special characters such as ! # or @, not spaces, accented letters or £.';

  it.each([
    ['abc', 'Your passcode must be at least 4 characters long.'],
    ['abcdefghi', 'Your passcode must be no more than 8 characters long.'],
    ['pässwd', NOT_ALLOWED],
    ['pass word', NOT_ALLOWED],
    ['£1234', NOT_ALLOWED],
  ])(
    'when %j is typed, then the rule it breaks shows as a hint, announced politely, and not as an error',
    async (typed, message) => {
      const { user } = await renderApp({ view: newPasscodeView() });
      await user.type(first(), typed);
      expect(checksOf('new-passcode')).toContain(message);
      const checks = document.getElementById('new-passcode-checks');
      expect(checks?.closest('[aria-live="polite"]')).not.toBeNull();
      expect(checks?.className).toContain('nhsuk-hint');
      expect(first().getAttribute('aria-describedby')).toBe(
        'new-passcode-hint new-passcode-checks',
      );
      expect(errorsOf('new-passcode')).toBe('');
      expect(first().getAttribute('aria-invalid')).toBeNull();
      expect(document.querySelector('.nhsuk-form-group--error')).toBeNull();
      expect(screen.queryByRole('alert')).toBeNull();
      expect(document.activeElement).toBe(first());
    },
  );

  it('when nothing has been typed yet, then neither box shows a problem', async () => {
    await renderApp({ view: newPasscodeView() });
    expect(checksOf('new-passcode')).toBe('');
    expect(checksOf('confirm-passcode')).toBe('');
    expect(errorsOf('new-passcode')).toBe('');
    expect(errorsOf('confirm-passcode')).toBe('');
  });

  it('when only the first box is filled, then the second waits for Confirm before asking', async () => {
    const { user } = await renderApp({ view: newPasscodeView() });
    await user.type(first(), 'Ab1!');
    expect(checksOf('confirm-passcode')).toBe('');
  });

  it('when a valid passcode is typed, then no problem shows', async () => {
    const { user } = await renderApp({ view: newPasscodeView() });
    await user.type(first(), 'Ab1!');
    expect(checksOf('new-passcode')).toBe('');
    expect(first().getAttribute('aria-describedby')).toBe('new-passcode-hint');
  });

  it('when the policy requires digits, then letters and short passcodes are flagged as typed', async () => {
    const { user } = await renderApp({ view: newPasscodeView('digits-6-8') });
    expect(
      screen.getByText('Your passcode must be 6 to 8 numbers long, using the numbers 0 to 9 only.'),
    ).toBeDefined();
    await user.type(first(), '12a45');
    expect(checksOf('new-passcode')).toContain('Your passcode must use the numbers 0 to 9 only.');
    expect(checksOf('new-passcode')).toContain('Your passcode must be at least 6 characters long.');
  });

  it('when the confirmation is still a beginning of the passcode, then it waits; once it differs, it says so', async () => {
    const { user } = await renderApp({ view: newPasscodeView() });
    await user.type(first(), 'Ab1!x');
    await user.type(second(), 'Ab1');
    expect(checksOf('confirm-passcode')).toBe('');
    await user.type(second(), '?');
    expect(checksOf('confirm-passcode')).toContain(
      'The two passcodes are not the same. Type the same passcode in both boxes.',
    );
  });

  it('when Confirm finds a problem, then errors and the summary show, and further typing moves neither them nor focus', async () => {
    const { api, user } = await renderApp({ view: newPasscodeView() });
    await user.type(first(), 'abc');
    await user.click(screen.getByRole('button', { name: 'Confirm' }));
    const summary = screen.getByRole('alert');
    expect(summary.textContent).toContain('Your passcode must be at least 4 characters long.');
    expect(errorsOf('new-passcode')).toContain('Your passcode must be at least 4 characters long.');
    expect(first().getAttribute('aria-invalid')).toBe('true');
    // The live check does not repeat what the error already says.
    expect(checksOf('new-passcode')).toBe('');
    await user.click(first());
    await user.type(first(), 'd');
    expect(document.activeElement).toBe(first());
    expect(screen.getByRole('alert').textContent).toBe(summary.textContent);
    expect(checksOf('new-passcode')).toBe('');
    await user.type(second(), 'abcd');
    await user.click(screen.getByRole('button', { name: 'Confirm' }));
    expect(api.unlockSetPasscode).toHaveBeenCalledWith({ passcode: 'abcd', confirmation: 'abcd' });
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
