import { act, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from '../../../src/renderer/app';
import type { FlowView } from '../../../src/shared/ipc-contract';
import { appError } from '../../../src/shared/errors';
import { CARD_PRESENT, failure, INFO, ok, type FakeApi } from './support/fake-api';
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
    // The seed's warning is on this screen: no separate click before the questions.
    await screen.findByRole('heading', { level: 1, name: 'Security Questions' });
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
    await screen.findByRole('heading', { level: 1, name: 'Get your Smartcard Unlock Code' });
    expect(document.querySelector('.nhsuk-card--warning')?.textContent).toContain('Mr John Rigby');
    expect(api.unlockSendCode).not.toHaveBeenCalled();
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

  it.each<[string, FlowView]>([
    ['the code screen', codeView()],
    ['a failure screen', { kind: 'failed', error: appError('CARD_REMOVED'), canRetry: true }],
    ['the start screen', { kind: 'idle' }],
  ])(
    'when the card moves on %s, then a polite live region in the frame says so without moving focus',
    async (_screen, view) => {
      const { api } = await renderApp({ view, reader: CARD_PRESENT });
      const focused = document.activeElement;
      const region = document.getElementById('reader-announcer');
      expect(region?.getAttribute('role')).toBe('status');
      expect(region?.getAttribute('aria-live')).toBe('polite');
      expect(region?.closest('main')).not.toBeNull();
      expect(region?.textContent).toBe('');
      act(() => api.emitReader({ ...CARD_PRESENT, state: 'no-card' }));
      expect(region?.textContent).toBe('Your Smartcard was taken out of the reader.');
      act(() => api.emitReader(CARD_PRESENT));
      expect(region?.textContent).toBe('Your Smartcard is in the reader (Virtual PCD 00 00).');
      act(() => api.emitReader({ ...CARD_PRESENT, state: 'no-reader', readers: [] }));
      expect(region?.textContent).toBe('No smartcard reader was found.');
      expect(document.activeElement).toBe(focused);
      // One voice: the start screen's panel shows the same news without announcing it again.
      expect(screen.queryByTestId('reader-status')?.closest('[aria-live]') ?? null).toBeNull();
    },
  );

  it("when the diagnostics screen covers the step, then the card's moves are still announced", async () => {
    const { api, user } = await renderApp({ view: codeView() });
    await user.click(screen.getByRole('button', { name: 'About and diagnostics' }));
    act(() => api.emitReader({ ...CARD_PRESENT, state: 'no-card' }));
    expect(document.getElementById('reader-announcer')?.textContent).toBe(
      'Your Smartcard was taken out of the reader.',
    );
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

  it('when a development control is used, then the panel says what happened in a polite status', async () => {
    const { api, user } = await renderApp({ info: { ...INFO, mockReader: true } });
    const panel = screen.getByRole('complementary', { name: 'Development: virtual card' });
    const status = within(panel).getByRole('status');
    expect(status.getAttribute('aria-live')).toBe('polite');
    expect(status.textContent).toBe('');
    // The control's answer comes after the click: wait for what the panel says.
    const says = (text: string) => waitFor(() => expect(status.textContent).toBe(text));
    await user.click(screen.getByRole('button', { name: 'Lock card' }));
    await says('The virtual card is locked: three wrong passcodes were typed on it.');
    expect(document.activeElement?.textContent).toBe('Lock card');
    api.mockControl.mockResolvedValueOnce(ok({ ...CARD_PRESENT, state: 'no-card', mock: true }));
    await user.click(screen.getByRole('button', { name: 'Remove card' }));
    await says('The virtual card is out of the reader.');
    api.mockControl.mockResolvedValueOnce(failure(appError('CARD_IO')));
    await user.click(screen.getByRole('button', { name: 'Insert card' }));
    await says('Insert card did not work. The smartcard could not be read.');
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

  it('when any screen is shown, then the NHS header shows the logo beside the service name', async () => {
    await renderApp();
    const banner = screen.getByRole('banner');
    const logo = within(banner).getByRole('img', { name: 'NHS' });
    expect(logo.tagName.toLowerCase()).toBe('svg');
    expect(logo.getAttribute('class')).toBe('nhsuk-header__logo');
    expect(logo.querySelector('path')?.getAttribute('fill')).toBe('currentcolor');
    expect(banner.textContent).toContain('Smartcard Service Centre');
    // Inline only: no image, font or page is fetched.
    expect(banner.querySelector('img, use, image, [href]')).toBeNull();
  });

  it('when the page opens, then the first Tab reaches "Skip to main content", which moves focus to main', async () => {
    const { user } = await renderApp();
    const heading = document.activeElement;
    (heading as HTMLElement).blur();
    await user.keyboard('{Tab}');
    const skip = screen.getByRole('link', { name: 'Skip to main content' });
    expect(document.activeElement).toBe(skip);
    expect(skip.className).toBe('nhsuk-skip-link');
    expect(skip.getAttribute('href')).toBe('#main-content');
    const hash = window.location.hash;
    await user.keyboard('{Enter}');
    const main = screen.getByRole('main');
    expect(document.activeElement).toBe(main);
    // The address keeps its fragment (browser mode's token lives there).
    expect(window.location.hash).toBe(hash);
    await user.keyboard('{Tab}');
    expect(main.contains(document.activeElement)).toBe(true);
    expect(heading?.tagName).toBe('H1');
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
