import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { appError, type ErrorCode } from '../../../../src/shared/errors';
import { FAILURE_TITLES } from '../../../../src/renderer/wording';
import { ok } from '../support/fake-api';
import { renderApp } from '../support/render-app';
import { questionsView } from '../support/views';

const failed = (code: ErrorCode, canRetry = false) =>
  ({ kind: 'failed', error: appError(code), canRetry }) as const;

describe('failure screens', () => {
  it.each<ErrorCode>([
    'READER_MISSING',
    'CARD_ABSENT',
    'CARD_NOT_PIV',
    'CARD_NOT_REGISTERED',
    'SELF_SERVICE_LOCKED',
    'SERVER_UNREACHABLE',
    'CARD_REMOVED',
    'PASSCODE_REJECTED',
  ])(
    'when the flow fails with %s, then the screen shows the message, the next step and x4050',
    async (code) => {
      await renderApp({ view: failed(code) });
      const error = appError(code);
      const heading = screen.getByRole('heading', { level: 1, name: FAILURE_TITLES[code] });
      expect(document.activeElement).toBe(heading);
      expect(screen.getByText(error.message)).toBeDefined();
      expect(screen.getByText(error.nextStep)).toBeDefined();
      const main = document.querySelector('main')?.textContent ?? '';
      expect(main).toContain('x4050');
      expect(main).toContain('IT walk in centres at City or Sandwell site');
      expect(main).toContain(code);
      expect(screen.getByRole('button', { name: 'Start again' })).toBeDefined();
    },
  );

  it('when the card is not registered, then the screen explains how to register and whom to call', async () => {
    await renderApp({ view: failed('CARD_NOT_REGISTERED') });
    expect(screen.getByRole('heading', { name: 'How to register' })).toBeDefined();
    expect(
      screen.getByText(/Get your Smartcard unlocked by the IT service desk on x4050/),
    ).toBeDefined();
  });

  it('when self-service is locked, then it says to call x4050 and offers no retry', async () => {
    await renderApp({ view: failed('SELF_SERVICE_LOCKED') });
    expect(document.querySelector('.app-callout-phone')?.textContent).toBe(
      'Call the IT service desk on x4050.',
    );
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
  });

  it('when the server cannot be reached and retrying is safe, then Retry starts again', async () => {
    const { api, user } = await renderApp({ view: failed('SERVER_UNREACHABLE', true) });
    api.unlockStart.mockResolvedValueOnce(ok(questionsView()));
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(api.unlockStart).toHaveBeenCalledTimes(1);
    expect(
      await screen.findByRole('heading', { level: 1, name: 'Check this is your Smartcard' }),
    ).toBeDefined();
  });

  it('when the card was removed, then Start again returns to the start screen', async () => {
    const { api, user } = await renderApp({ view: failed('CARD_REMOVED') });
    expect(screen.getByText('Insert your smartcard again and press Start.')).toBeDefined();
    await user.click(screen.getByRole('button', { name: 'Start again' }));
    expect(api.flowCancel).toHaveBeenCalledTimes(1);
    expect(
      await screen.findByRole('heading', { level: 1, name: 'Smartcard Unlock' }),
    ).toBeDefined();
  });

  it('when the card is not locked, then Register leads to the log-in page', async () => {
    const { user } = await renderApp({ view: failed('CARD_NOT_LOCKED') });
    await user.click(screen.getByRole('button', { name: 'Register for Smartcard Unlock' }));
    expect(
      await screen.findByRole('heading', { level: 1, name: 'Log in with Smartcard' }),
    ).toBeDefined();
  });
});
