import { act, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from '../../../src/renderer/app';
import type { FlowView } from '../../../src/shared/ipc-contract';
import { CARD_PRESENT, INFO, ok, type FakeApi } from './support/fake-api';
import { domText, renderApp, storeText } from './support/render-app';
import { channelView, codeView, MOBILE, newPasscodeView, questionsView } from './support/views';

const ANSWERS = ['Ford Escort', '0121 555 0100'] as const;
const CODE = 'K7QW2MXP';
const PASSCODE = 'N3w!pass';

/** A scripted main process for the unlock happy path, with a busy event before each answer. */
function scriptHappyPath(api: FakeApi): void {
  const after = (busy: FlowView | null, view: FlowView) => () => {
    if (busy !== null) api.emitView(busy);
    return Promise.resolve(ok(view));
  };
  api.unlockStart.mockImplementation(
    after({ kind: 'busy', step: 'proving-card' }, questionsView()),
  );
  api.unlockAnswer.mockImplementation(after({ kind: 'busy', step: 'sending-code' }, codeView()));
  api.unlockSubmitCode.mockImplementation(after(null, newPasscodeView()));
  api.unlockSetPasscode.mockImplementation(
    after(
      { kind: 'busy', step: 'checking-passcode' },
      { kind: 'unlock-done', holderName: 'Mr John Rigby' },
    ),
  );
}

const focusedHeading = () => {
  const active = document.activeElement;
  expect(active?.tagName).toBe('H1');
  return active?.textContent;
};

describe('the app', () => {
  it('when a whole unlock is done with the keyboard alone, then every step is reached and no secret is left', async () => {
    const { api, user } = await renderApp({ reader: CARD_PRESENT });
    scriptHappyPath(api);
    expect(focusedHeading()).toBe('Smartcard Unlock');

    await user.keyboard('{Tab}');
    expect(document.activeElement?.textContent).toBe('Start');
    await user.keyboard('{Enter}');
    await screen.findByRole('heading', { level: 1, name: 'Check this is your Smartcard' });
    expect(focusedHeading()).toBe('Check this is your Smartcard');

    await user.keyboard('{Tab}{Enter}');
    expect(focusedHeading()).toBe('Security Questions');
    await user.keyboard(`{Tab}${ANSWERS[0]}{Tab}${ANSWERS[1]}{Enter}`);
    await screen.findByRole('heading', { level: 1, name: 'Smartcard Unlock Code' });
    expect(focusedHeading()).toBe('Smartcard Unlock Code');

    await user.keyboard(`{Tab}${CODE}{Enter}`);
    await screen.findByRole('heading', { level: 1, name: 'Set a new passcode' });
    expect(focusedHeading()).toBe('Set a new passcode');

    // New passcode, its Show button, then the confirmation.
    await user.keyboard(`{Tab}${PASSCODE}{Tab}{Tab}${PASSCODE}{Enter}`);
    await screen.findByRole('heading', { level: 1, name: 'Your Smartcard is unlocked' });
    expect(focusedHeading()).toBe('Your Smartcard is unlocked');

    expect(api.unlockAnswer).toHaveBeenCalledWith({
      answers: [
        { questionId: 'first-car', answer: ANSWERS[0] },
        { questionId: 'childhood-phone', answer: ANSWERS[1] },
      ],
    });
    expect(api.unlockSubmitCode).toHaveBeenCalledWith({ code: CODE });
    expect(api.unlockSetPasscode).toHaveBeenCalledWith({
      passcode: PASSCODE,
      confirmation: PASSCODE,
    });
    for (const secret of [...ANSWERS, CODE, PASSCODE]) {
      expect(storeText()).not.toContain(secret);
      expect(domText()).not.toContain(secret);
    }

    await user.keyboard('{Tab}{Enter}');
    await screen.findByRole('heading', { level: 1, name: 'Smartcard Unlock' });
  });

  it('when the server checks by code alone and the holder has one mobile, then a whole unlock by keyboard needs no question and no choice', async () => {
    const { api, user } = await renderApp({
      reader: CARD_PRESENT,
      service: { verification: 'code-only', channels: ['sms'] },
    });
    await screen.findByText('Complete these 2 simple steps to unlock your Smartcard.');
    api.unlockStart.mockResolvedValueOnce(ok(channelView([MOBILE])));
    api.unlockSendCode.mockImplementationOnce(() => {
      api.emitView({ kind: 'busy', step: 'sending-code' });
      return Promise.resolve(ok(codeView(60, 2, 'unlock-code', MOBILE)));
    });
    api.unlockSubmitCode.mockResolvedValueOnce(ok(newPasscodeView()));
    api.unlockSetPasscode.mockResolvedValueOnce(
      ok({ kind: 'unlock-done', holderName: 'Mr John Rigby' }),
    );

    await user.keyboard('{Tab}{Enter}');
    await screen.findByRole('heading', { level: 1, name: 'Check this is your Smartcard' });
    await user.keyboard('{Tab}{Enter}');
    await screen.findByRole('heading', { level: 1, name: 'Smartcard Unlock Code' });
    expect(focusedHeading()).toBe('Smartcard Unlock Code');
    expect(api.unlockSendCode).toHaveBeenCalledWith({ channel: 'sms' });
    expect(document.querySelector('main')?.textContent).toContain(
      'We have sent a Smartcard Unlock Code by text message to 07*** ***321.',
    );

    await user.keyboard(`{Tab}${CODE}{Enter}`);
    await screen.findByRole('heading', { level: 1, name: 'Set a new passcode' });
    await user.keyboard(`{Tab}${PASSCODE}{Tab}{Tab}${PASSCODE}{Enter}`);
    await screen.findByRole('heading', { level: 1, name: 'Your Smartcard is unlocked' });
    expect(api.unlockAnswer).not.toHaveBeenCalled();
    expect(storeText()).not.toContain(CODE);
  });

  it('when the main process moves to a new step by itself, then focus moves to its heading', async () => {
    const { api } = await renderApp();
    act(() =>
      api.emitView({
        kind: 'failed',
        error: {
          code: 'CARD_REMOVED',
          message: 'Your smartcard was removed.',
          nextStep: 'Insert it again.',
        },
        canRetry: false,
      }),
    );
    expect(focusedHeading()).toBe('Your Smartcard was removed');
    expect(document.title).toBe('Your Smartcard was removed - Smartcard Unlock');
  });

  it('when not in mock reader mode, then there is no development panel', async () => {
    await renderApp();
    expect(screen.queryByRole('complementary', { name: 'Development: virtual card' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Insert card' })).toBeNull();
  });

  it('when in mock reader mode, then the development panel inserts, removes and locks the virtual card', async () => {
    const { api, user } = await renderApp({ info: { ...INFO, mockReader: true } });
    expect(screen.getByRole('complementary', { name: 'Development: virtual card' })).toBeDefined();
    api.mockControl.mockResolvedValueOnce(ok({ ...CARD_PRESENT, state: 'no-card', mock: true }));
    await user.click(screen.getByRole('button', { name: 'Remove card' }));
    await user.click(screen.getByRole('button', { name: 'Insert card' }));
    await user.click(screen.getByRole('button', { name: 'Lock card' }));
    expect(api.mockControl.mock.calls.map(([request]) => request.action)).toEqual([
      'remove',
      'insert',
      'lock',
    ]);
  });

  it('when the mock control reports no card, then the reader status shows it', async () => {
    const { api, user } = await renderApp({ info: { ...INFO, mockReader: true } });
    api.mockControl.mockResolvedValueOnce(ok({ ...CARD_PRESENT, state: 'no-card', mock: true }));
    await user.click(screen.getByRole('button', { name: 'Remove card' }));
    expect(screen.getByTestId('reader-status').textContent).toContain(
      'There is no Smartcard in the reader.',
    );
  });

  it('when the page has no window.api, then it says so and whom to call instead of crashing', async () => {
    render(<App />);
    expect(
      await screen.findByRole('heading', { level: 1, name: 'Something went wrong' }),
    ).toBeDefined();
    // No settings, so no desk's number: the desk by name, never the demo's (another trust's).
    expect(document.querySelector('main')?.textContent).toContain(
      'If it keeps happening, call the IT service desk.',
    );
    expect(document.body.textContent).not.toContain('x4050');
  });

  it('when any screen is shown, then the footer carries the help contacts and the version', async () => {
    await renderApp();
    const footer = screen.getByRole('contentinfo');
    expect(footer.textContent).toContain(
      'If you require additional help with the smartcard please let us know on x4050 or by visiting the IT walk in centres at City or Sandwell site.',
    );
    expect(footer.textContent).toContain('version 0.1.0');
  });
});
