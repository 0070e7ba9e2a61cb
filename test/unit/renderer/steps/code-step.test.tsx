import { act, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { appError } from '../../../../src/shared/errors';
import type { FlowView } from '../../../../src/shared/ipc-contract';
import { useWizardStore } from '../../../../src/renderer/store/wizard-store';
import { ok } from '../support/fake-api';
import { domText, renderApp, storeText } from '../support/render-app';
import { codeView, EMAIL, MOBILE } from '../support/views';

const resendButton = () => screen.getByRole('button', { name: 'Resend code' });
const codeBox = () => screen.getByLabelText('Smartcard Unlock Code');

beforeEach(() => {
  // Only the clock and intervals are fake: Testing Library's own waits keep real timeouts.
  vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
  vi.setSystemTime(new Date('2026-11-28T10:00:00Z'));
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Smartcard Unlock Code', () => {
  it("when the code went by email, then it says so with the masked address, the seed's lead and the junk-folder hint", async () => {
    await renderApp({ view: codeView() });
    expect(screen.getByRole('heading', { level: 1, name: 'Smartcard Unlock Code' })).toBeDefined();
    expect(sentence('We have sent a Smartcard Unlock Code by email to')).toBe(
      'We have sent a Smartcard Unlock Code by email to j****y@nhs.net.',
    );
    expect(screen.getByText('j****y@nhs.net').tagName).toBe('STRONG');
    expect(
      screen.getByText(
        'Once you receive the code, enter it below and press the Next button. This will take you to a screen where you will be able to set a new passcode for your Smartcard.',
      ),
    ).toBeDefined();
    expect(
      screen.getByText('If the email is not in your inbox, please check your junk folder.'),
    ).toBeDefined();
    expect(
      screen.getByRole('heading', { level: 2, name: 'Not received the email?' }),
    ).toBeDefined();
    expect(codeBox().getAttribute('autocomplete')).toBe('one-time-code');
    expect(
      screen.getByText('The code is 8 letters and numbers, for example AB3D5F7H.'),
    ).toBeDefined();
  });

  it('when the code went by text message, then it names the mobile number, and no junk folder', async () => {
    await renderApp({ view: codeView(60, 2, 'unlock-code', MOBILE) });
    expect(sentence('We have sent a Smartcard Unlock Code by text message to')).toBe(
      'We have sent a Smartcard Unlock Code by text message to 07*** ***321.',
    );
    expect(screen.queryByText(/junk folder/)).toBeNull();
    expect(
      screen.getByRole('heading', { level: 2, name: 'Not received the text message?' }),
    ).toBeDefined();
    expect(screen.queryByText(/email/i)).toBeNull();
  });

  it('when the text message service had not confirmed the send, then the holder is told the text may take a few minutes', async () => {
    const view = codeView(60, 2, 'unlock-code', MOBILE);
    if (view.kind !== 'unlock-code' || view.delivery === null) throw new Error('not a code view');
    await renderApp({ view: { ...view, delivery: { ...view.delivery, delayed: true } } });
    expect(
      screen.getByText(/it may take a few minutes for the text message to arrive/),
    ).toBeDefined();
    expect(domText()).not.toContain('junk');
  });

  it('when a code from a text message is mistyped, then the hint says to check the text message', async () => {
    const { user } = await renderApp({ view: codeView(60, 2, 'unlock-code', MOBILE) });
    await user.type(codeBox(), 'AB!');
    await user.click(screen.getByRole('button', { name: 'Next' }));
    expect(
      screen.getByRole('link', {
        name: 'A Smartcard Unlock Code is 8 letters and numbers. Check the code in the text message.',
      }),
    ).toBeDefined();
  });

  it('when the mail server had not confirmed the send, then the holder is told it may take a few minutes, not that it failed', async () => {
    const view = codeView();
    if (view.kind !== 'unlock-code' || view.delivery === null) throw new Error('not a code view');
    await renderApp({ view: { ...view, delivery: { ...view.delivery, delayed: true } } });
    expect(screen.getByText(/it may take a few minutes for the email to arrive/)).toBeDefined();
    expect(codeBox()).toBeDefined();
    expect(domText()).not.toContain('could not be sent');
  });

  it('when the mail was sent as usual, then no delay is mentioned', async () => {
    await renderApp({ view: codeView() });
    expect(screen.queryByText(/may take a few minutes/)).toBeNull();
  });

  it('when the code was just sent, then Resend is disabled with a countdown that reaches zero', async () => {
    const { api, user } = await renderApp({ view: codeView(60, 2) });
    expect(resendButton().hasAttribute('disabled')).toBe(true);
    expect(screen.getByText(/You can ask for a new code in 60 seconds\./)).toBeDefined();
    expect(screen.getByText(/You can ask for 2 more codes\./)).toBeDefined();

    act(() => {
      vi.advanceTimersByTime(59_000);
    });
    expect(screen.getByText(/You can ask for a new code in 1 second\./)).toBeDefined();
    expect(resendButton().hasAttribute('disabled')).toBe(true);

    act(() => {
      vi.advanceTimersByTime(1_000);
    });
    expect(screen.getByText(/You can ask for a new code now\./)).toBeDefined();
    expect(resendButton().hasAttribute('disabled')).toBe(false);

    api.unlockResendCode.mockResolvedValueOnce(ok(codeView(60, 1)));
    await user.click(resendButton());
    expect(api.unlockResendCode).toHaveBeenCalledTimes(1);
    expect(await screen.findByText(/You can ask for 1 more code\./)).toBeDefined();
    expect(resendButton().hasAttribute('disabled')).toBe(true);
  });

  it('when no sends are left, then there is no Resend button', async () => {
    await renderApp({ view: codeView(0, 0) });
    expect(screen.queryByRole('button', { name: 'Resend code' })).toBeNull();
    expect(screen.getByText('No more codes can be sent for this attempt.')).toBeDefined();
  });

  it('when Next is pressed with a malformed code, then it says what a code looks like', async () => {
    const { api, user } = await renderApp({ view: codeView() });
    await user.click(screen.getByRole('button', { name: 'Next' }));
    expect(screen.getByRole('link', { name: 'Enter your Smartcard Unlock Code' })).toBeDefined();
    await user.type(codeBox(), 'AB!');
    await user.click(screen.getByRole('button', { name: 'Next' }));
    expect(
      screen.getByRole('link', { name: /A Smartcard Unlock Code is 8 letters and numbers/ }),
    ).toBeDefined();
    expect(api.unlockSubmitCode).not.toHaveBeenCalled();
  });

  it('when the server sends longer codes, then the hint and the check say its length, not 8', async () => {
    const view = codeView();
    if (view.kind !== 'unlock-code' || view.delivery === null) throw new Error('not a code view');
    const { api, user } = await renderApp({
      view: { ...view, delivery: { ...view.delivery, codeLength: 10 } },
    });
    expect(
      screen.getByText('The code is 10 letters and numbers, for example AB3D5F7HJK.'),
    ).toBeDefined();
    await user.type(codeBox(), 'ABCD-EFGH');
    await user.click(screen.getByRole('button', { name: 'Next' }));
    expect(
      screen.getByRole('link', { name: /A Smartcard Unlock Code is 10 letters and numbers/ }),
    ).toBeDefined();
    expect(api.unlockSubmitCode).not.toHaveBeenCalled();
    await user.clear(codeBox());
    await user.type(codeBox(), 'abcd-efgh-jk');
    await user.click(screen.getByRole('button', { name: 'Next' }));
    expect(api.unlockSubmitCode).toHaveBeenCalledWith({ code: 'ABCDEFGHJK' });
  });

  it('when the code is wrong, then the error and its tries are shown on the field and the code is gone', async () => {
    const { api, user } = await renderApp({ view: codeView() });
    api.unlockSubmitCode.mockResolvedValueOnce(
      ok({ ...codeView(), error: appError('CODE_WRONG', { triesLeft: 4 }) }),
    );
    await user.type(codeBox(), 'abcd-efgh');
    await user.click(screen.getByRole('button', { name: 'Next' }));
    const alert = await screen.findByRole('alert');
    expect(api.unlockSubmitCode).toHaveBeenCalledWith({ code: 'ABCDEFGH' });
    expect(alert.textContent).toContain(
      'That Smartcard Unlock Code is not right. You have 4 more tries left.',
    );
    expect(codeBox().getAttribute('aria-describedby')).toBe('code-hint code-error');
    expect(storeText()).not.toMatch(/ABCDEFGH|abcd-efgh/i);
    expect(domText()).not.toMatch(/ABCDEFGH|abcd-efgh/i);
  });

  it('when the first email could not be sent, then it says so with help and Resend, and no code box', async () => {
    const { api, user } = await renderApp({
      view: {
        kind: 'unlock-code',
        delivery: null,
        contacts: [EMAIL],
        error: appError('MAIL_UNAVAILABLE'),
      },
    });
    expect(
      screen.getByRole('heading', { level: 1, name: 'The email could not be sent' }),
    ).toBeDefined();
    expect(
      screen.getByText('Wait a minute and press Resend code. You will not need to start again.'),
    ).toBeDefined();
    expect(screen.getAllByText(/x4050/).length).toBeGreaterThan(0);
    expect(screen.queryByLabelText('Smartcard Unlock Code')).toBeNull();
    api.unlockResendCode.mockResolvedValueOnce(ok(codeView(60, 2)));
    await user.keyboard('{Tab}');
    resendButton().focus();
    await user.keyboard('{Enter}');
    expect(api.unlockResendCode).toHaveBeenCalledTimes(1);
    expect(await screen.findByText('j****y@nhs.net')).toBeDefined();
  });

  it('when registering, then the same screen confirms the email address through register calls', async () => {
    const { api, user } = await renderApp({ view: codeView(0, 2, 'register-code') });
    expect(
      screen.getByRole('heading', { level: 1, name: 'Confirm your email address' }),
    ).toBeDefined();
    await user.type(screen.getByLabelText('Code from the email'), 'ABCD2345');
    await user.click(screen.getByRole('button', { name: 'Next' }));
    expect(api.registerSubmitCode).toHaveBeenCalledWith({ code: 'ABCD2345' });
    expect(api.unlockSubmitCode).not.toHaveBeenCalled();
  });
});

describe('Smartcard Unlock Code: its tries used up', () => {
  const spent = (view: FlowView): FlowView => {
    if (view.kind !== 'unlock-code') throw new Error('not a code view');
    return { ...view, error: appError('CODE_TRIES_EXHAUSTED') };
  };

  it('when the fifth wrong code is refused, then the box and Next go, and the screen counts down to Resend', async () => {
    const view = codeView(42, 2);
    const { api, user } = await renderApp({ view });
    api.unlockSubmitCode.mockResolvedValueOnce(ok(spent(view)));
    await user.type(codeBox(), 'ABCD2345');
    await user.click(screen.getByRole('button', { name: 'Next' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain(
      'That Smartcard Unlock Code was typed wrongly too many times.',
    );
    expect(alert.textContent).toContain(
      'You need a new code. Press Resend code when it becomes available below, then type the new code.',
    );
    expect(screen.queryByLabelText('Smartcard Unlock Code')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Next' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Cancel' })).toBeDefined();
    expect(screen.getByText(/You can ask for a new code in 42 seconds\./)).toBeDefined();
    expect(resendButton().hasAttribute('disabled')).toBe(true);
    // Resend is the way on now: the primary button.
    expect(resendButton().className).toBe('nhsuk-button');

    act(() => {
      vi.advanceTimersByTime(42_000);
    });
    expect(screen.getByText(/You can ask for a new code now\./)).toBeDefined();
    expect(resendButton().hasAttribute('disabled')).toBe(false);
    api.unlockResendCode.mockResolvedValueOnce(ok(codeView(60, 1)));
    await user.click(resendButton());
    expect(await screen.findByLabelText('Smartcard Unlock Code')).toBeDefined();
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByRole('button', { name: 'Next' })).toBeDefined();
  });

  it('when the resend after a spent code is refused, then the refusal shows and the box stays hidden', async () => {
    const view = codeView(0, 2);
    const { api, user } = await renderApp({ view: spent(view) });
    expect(screen.queryByLabelText('Smartcard Unlock Code')).toBeNull();
    api.unlockResendCode.mockResolvedValueOnce(
      ok({ ...view, error: appError('MAIL_UNAVAILABLE') }),
    );
    await user.click(resendButton());
    expect((await screen.findByRole('alert')).textContent).toContain(
      'The email with your code could not be sent just now.',
    );
    expect(screen.queryByLabelText('Smartcard Unlock Code')).toBeNull();
  });

  it('when a spent code leaves no sends, then it says to start again or call the desk, and Start again does so', async () => {
    const { api, user } = await renderApp({ view: spent(codeView(0, 0)) });
    expect(screen.getByRole('alert').textContent).toContain(
      'No more codes can be sent for this attempt. Press Start again to begin a new attempt with a new code, or call the IT service desk on x4050.',
    );
    expect(screen.queryByLabelText('Smartcard Unlock Code')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Resend code' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Start again' }));
    expect(api.flowCancel).toHaveBeenCalledTimes(1);
  });
});

/** The text of the paragraph that begins with `start` (its address is in a strong of its own). */
function sentence(start: string): string | null | undefined {
  return [...document.querySelectorAll('p')].find((p) => p.textContent?.startsWith(start))
    ?.textContent;
}

describe('Smartcard Unlock Code: sending it another way', () => {
  const otherWay = (name: string) => screen.queryByRole('button', { name });

  it('when the holder has two contacts, then the other way waits with Resend, then sends the code there', async () => {
    const { api, user } = await renderApp({
      view: codeView(30, 2, 'unlock-code', MOBILE, [MOBILE, EMAIL]),
    });
    const button = otherWay('Send the code by email instead');
    expect(button?.hasAttribute('disabled')).toBe(true);
    expect(button?.getAttribute('aria-describedby')).toBe('resend-status');
    act(() => {
      vi.advanceTimersByTime(30_000);
    });
    expect(button?.hasAttribute('disabled')).toBe(false);
    api.unlockSendCode.mockResolvedValueOnce(
      ok(codeView(60, 1, 'unlock-code', EMAIL, [MOBILE, EMAIL])),
    );
    await user.click(button!);
    expect(api.unlockSendCode).toHaveBeenCalledWith({ channel: 'email' });
    expect(api.unlockResendCode).not.toHaveBeenCalled();
    expect(
      await screen.findByText('If the email is not in your inbox, please check your junk folder.'),
    ).toBeDefined();
    expect(otherWay('Send the code by text message instead')).not.toBeNull();
  });

  it('when the other way is refused as too soon, then the code screen says so and keeps its code box', async () => {
    const { api, user } = await renderApp({
      view: codeView(0, 2, 'unlock-code', EMAIL, [EMAIL, MOBILE]),
    });
    api.unlockSendCode.mockResolvedValueOnce(
      ok({
        ...codeView(0, 2, 'unlock-code', EMAIL, [EMAIL, MOBILE]),
        error: appError('RESEND_TOO_SOON', { retryAfterSeconds: 20 }),
      }),
    );
    await user.click(otherWay('Send the code by text message instead')!);
    expect((await screen.findByRole('alert')).textContent).toContain(
      'A new code can be sent in 20 seconds.',
    );
    expect(codeBox()).toBeDefined();
  });

  it('when the holder has one contact, or is registering, then there is no other way', async () => {
    await renderApp({ view: codeView(0, 2, 'unlock-code', MOBILE) });
    expect(otherWay('Send the code by email instead')).toBeNull();
    expect(document.getElementById('other-way-button')).toBeNull();
  });

  it('when no sends are left, then neither Resend nor the other way is offered', async () => {
    await renderApp({ view: codeView(0, 0, 'unlock-code', MOBILE, [MOBILE, EMAIL]) });
    expect(otherWay('Send the code by email instead')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Resend code' })).toBeNull();
  });

  it('when the passcode was forgotten, then the other way goes on the forgotten flow', async () => {
    const { api, user } = await renderApp({
      view: codeView(0, 2, 'unlock-code', MOBILE, [MOBILE, EMAIL]),
    });
    act(() => useWizardStore.setState({ journey: 'forgotten' }));
    await user.click(otherWay('Send the code by email instead')!);
    expect(api.forgottenSendCode).toHaveBeenCalledWith({ channel: 'email' });
    expect(api.unlockSendCode).not.toHaveBeenCalled();
  });

  it('when the first text message could not be sent, then the screen says it was a text message and Resend tries again', async () => {
    const { api, user } = await renderApp({
      view: {
        kind: 'unlock-code',
        delivery: null,
        contacts: [MOBILE],
        error: appError('TEXT_UNAVAILABLE'),
      },
    });
    expect(
      screen.getByRole('heading', { level: 1, name: 'The text message could not be sent' }),
    ).toBeDefined();
    expect(
      screen.getByText('The text message with your code could not be sent just now.'),
    ).toBeDefined();
    await user.click(resendButton());
    expect(api.unlockResendCode).toHaveBeenCalledTimes(1);
  });
});
