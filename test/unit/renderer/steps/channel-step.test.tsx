import { act, screen, within } from '@testing-library/react';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWizardStore } from '../../../../src/renderer/store/wizard-store';
import { appError } from '../../../../src/shared/errors';
import type { FlowView } from '../../../../src/shared/ipc-contract';
import { ok, type FakeApi } from '../support/fake-api';
import { renderApp } from '../support/render-app';
import { channelView, codeView, EMAIL, MOBILE, questionsView } from '../support/views';

// jsdom has no CSS.escape, which user-event's arrow keys between radios call; our names need none.
beforeAll(() => {
  const view = document.defaultView as (Window & { CSS?: { escape?: unknown } }) | null;
  if (view !== null && typeof view.CSS?.escape !== 'function') {
    Object.defineProperty(view, 'CSS', { value: { escape: (s: string) => s }, configurable: true });
  }
});

const HEADING = 'Where should we send your Smartcard Unlock Code?';
const TEXT = 'Text message to 07*** ***321';
const MAIL = 'Email to j****y@nhs.net';

/** Renders the choice past the holder's confirmation, as after the questions. */
async function onTheChoice(view: FlowView = channelView()) {
  const rendered = await renderApp({ view });
  act(() => useWizardStore.setState({ holderConfirmed: true }));
  return rendered;
}

/** Makes the next send answer with the code screen for `contact`. */
function sendsTo(api: FakeApi, contact = EMAIL) {
  api.unlockSendCode.mockResolvedValueOnce(ok(codeView(60, 2, 'unlock-code', contact)));
}

describe('where the code goes', () => {
  it("when the holder has two contacts, then the question is the page heading and each contact a radio, in the server's order", async () => {
    await onTheChoice();
    const heading = screen.getByRole('heading', { level: 1, name: HEADING });
    expect(heading.closest('legend')).not.toBeNull();
    expect(document.activeElement).toBe(heading);
    expect(document.title).toBe(`${HEADING} - Smartcard Unlock`);
    const group = screen.getByRole('group', { name: HEADING });
    expect(
      within(group)
        .getAllByRole('radio')
        .map((r) => r.getAttribute('id')),
    ).toEqual(['channel-0', 'channel-1']);
    expect(screen.getByRole('radio', { name: TEXT }).getAttribute('value')).toBe('sms');
    expect(screen.getByRole('radio', { name: MAIL }).getAttribute('value')).toBe('email');
    expect(group.getAttribute('aria-describedby')).toBe('channel-hint');
    expect(screen.getByRole('button', { name: 'Continue' })).toBeDefined();
    expect(screen.getByRole('button', { name: 'Cancel' })).toBeDefined();
  });

  it('when Continue is pressed with nothing chosen, then the error summary says so and its link leads to the first radio', async () => {
    const { api, user } = await onTheChoice();
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    const summary = screen.getByRole('alert');
    expect(summary.textContent).toContain('Choose where to send your Smartcard Unlock Code');
    expect(document.activeElement?.className).toContain('nhsuk-error-summary');
    expect(screen.getByRole('group').getAttribute('aria-describedby')).toBe(
      'channel-hint channel-error',
    );
    expect(document.getElementById('channel-error')?.textContent).toBe(
      'Error: Choose where to send your Smartcard Unlock Code',
    );
    await user.click(
      screen.getByRole('link', { name: 'Choose where to send your Smartcard Unlock Code' }),
    );
    expect(document.activeElement?.id).toBe('channel-0');
    expect(api.unlockSendCode).not.toHaveBeenCalled();
  });

  it('when the holder chooses by keyboard alone, then the code is sent there with progress shown', async () => {
    const { api, user } = await onTheChoice();
    let answer: (view: FlowView) => void = () => undefined;
    api.unlockSendCode.mockImplementationOnce(
      () => new Promise((resolve) => (answer = (view) => resolve(ok(view)))),
    );
    await user.keyboard('{Tab}');
    expect(document.activeElement?.id).toBe('channel-0');
    await user.keyboard('{ArrowDown}');
    expect(document.activeElement?.id).toBe('channel-1');
    expect(screen.getByRole('radio', { name: MAIL })).toHaveProperty('checked', true);
    await user.keyboard('{Enter}');
    expect(api.unlockSendCode).toHaveBeenCalledWith({ channel: 'email' });
    expect(
      screen.getByRole('heading', { level: 1, name: 'Sending your Smartcard Unlock Code' }),
    ).toBeDefined();
    await act(() => {
      answer(codeView(60, 2, 'unlock-code', EMAIL, [MOBILE, EMAIL]));
      return Promise.resolve();
    });
    expect(screen.getByRole('heading', { level: 1, name: 'Smartcard Unlock Code' })).toBeDefined();
  });

  it('when the holder presses Space on a radio, then it is chosen, and Continue sends it', async () => {
    const { api, user } = await onTheChoice();
    sendsTo(api, MOBILE);
    await user.keyboard('{Tab}{ }');
    expect(screen.getByRole('radio', { name: TEXT })).toHaveProperty('checked', true);
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    expect(api.unlockSendCode).toHaveBeenCalledWith({ channel: 'sms' });
  });

  it('when the holder cancels, then the attempt ends and the start screen returns', async () => {
    const { api, user } = await onTheChoice();
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(api.flowCancel).toHaveBeenCalledTimes(1);
    expect(api.unlockSendCode).not.toHaveBeenCalled();
    expect(
      await screen.findByRole('heading', { level: 1, name: 'Smartcard Unlock' }),
    ).toBeDefined();
  });

  it('when the chosen text message could not be sent, then the choice says so and what to do, with nothing lost', async () => {
    await onTheChoice(channelView([MOBILE, EMAIL], { error: appError('TEXT_UNAVAILABLE') }));
    const summary = screen.getByRole('alert');
    expect(summary.textContent).toContain(
      'The text message with your code could not be sent just now.',
    );
    expect(summary.textContent).toContain(
      'Choose the other way, or wait a minute and choose the same way again. You will not need to start again.',
    );
    expect(summary.textContent).not.toContain('press Resend code');
    expect(screen.getAllByRole('radio')).toHaveLength(2);
  });

  it('when the passcode was forgotten, then the choice is sent on the forgotten flow', async () => {
    const { api, user } = await onTheChoice();
    act(() => useWizardStore.setState({ journey: 'forgotten' }));
    await user.click(screen.getByRole('radio', { name: TEXT }));
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    expect(api.forgottenSendCode).toHaveBeenCalledWith({ channel: 'sms' });
    expect(api.unlockSendCode).not.toHaveBeenCalled();
  });
});

describe('where the code goes: the holder is warned first, and one contact is no choice', () => {
  it('when the choice is the first screen after the proof, then it warns whose card it is, and sends nothing until Continue', async () => {
    const { api } = await renderApp({ view: channelView() });
    expect(screen.getByRole('heading', { level: 1, name: HEADING })).toBeDefined();
    expect(document.querySelector('.nhsuk-card--warning')?.textContent).toContain(
      'You are attempting to unlock a Smartcard issued to Mr John Rigby.',
    );
    expect(screen.getAllByRole('radio')).toHaveLength(2);
    expect(api.unlockSendCode).not.toHaveBeenCalled();
  });

  it('when the holder has one contact, then confirming the card sends the code there at once, with no choice shown', async () => {
    const { api, user } = await renderApp({ view: channelView([MOBILE]) });
    let answer: (view: FlowView) => void = () => undefined;
    api.unlockSendCode.mockImplementationOnce(
      () => new Promise((resolve) => (answer = (view) => resolve(ok(view)))),
    );
    await user.keyboard('{Tab}{Enter}');
    expect(api.unlockSendCode).toHaveBeenCalledWith({ channel: 'sms' });
    expect(
      screen.getByRole('heading', { level: 1, name: 'Sending your Smartcard Unlock Code' }),
    ).toBeDefined();
    expect(screen.queryByRole('radio')).toBeNull();
    await act(() => {
      answer(codeView(60, 2, 'unlock-code', MOBILE));
      return Promise.resolve();
    });
    expect(screen.getByText(/by text message to/)).toBeDefined();
    expect(api.unlockSendCode).toHaveBeenCalledTimes(1);
  });

  it('when the one text message could not be sent, then it says so and Resend sends it there again', async () => {
    const { api, user } = await onTheChoice(
      channelView([MOBILE], { error: appError('TEXT_UNAVAILABLE') }),
    );
    expect(
      screen.getByRole('heading', { level: 1, name: 'The text message could not be sent' }),
    ).toBeDefined();
    expect(
      screen.getByText('Wait a minute and press Resend code. You will not need to start again.'),
    ).toBeDefined();
    expect(screen.queryByRole('radio')).toBeNull();
    sendsTo(api, MOBILE);
    await user.click(screen.getByRole('button', { name: 'Resend code' }));
    expect(api.unlockSendCode).toHaveBeenCalledWith({ channel: 'sms' });
    expect(api.unlockResendCode).not.toHaveBeenCalled();
  });

  it('when the questions were answered, then the choice follows without asking again whose card it is', async () => {
    const { api, user } = await renderApp({ view: questionsView() });
    api.unlockAnswer.mockImplementationOnce(() => {
      api.emitView({ kind: 'busy', step: 'checking-answers' });
      return Promise.resolve(ok(channelView([EMAIL, MOBILE])));
    });
    await user.type(screen.getByLabelText(/first car/), 'Ford Escort');
    await user.type(screen.getByLabelText(/childhood phone/), '0121 555 0100');
    await user.click(screen.getByRole('button', { name: 'Next' }));
    expect(await screen.findByRole('heading', { level: 1, name: HEADING })).toBeDefined();
    expect(screen.getAllByRole('radio').map((r) => r.getAttribute('value'))).toEqual([
      'email',
      'sms',
    ]);
    expect(document.querySelector('.nhsuk-card--warning')).toBeNull();
  });
});
