import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { settingsProblemToAppError } from '../../../../src/main/settings/load-settings';
import { POLICY_KEY } from '../../../../src/main/settings/registry-policy';
import { appError, type ErrorCode } from '../../../../src/shared/errors';
import { wording } from '../../../../src/shared/wording';
import { INFO, ok } from '../support/fake-api';
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
    'SERVER_UNREACHABLE',
    'CARD_REMOVED',
    'PASSCODE_REJECTED',
  ])(
    'when the flow fails with %s, then the screen shows the message, the next step and x4050',
    async (code) => {
      await renderApp({ view: failed(code) });
      const error = appError(code);
      const heading = screen.getByRole('heading', { level: 1, name: wording().errors[code].title });
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

  it('when self-service is frozen after a "This wasn\'t me" report, then only the desk can help: named once, and only Finish', async () => {
    await renderApp({ view: failed('SELF_SERVICE_FROZEN') });
    const main = document.querySelector('main')?.textContent ?? '';
    expect(main.split('x4050')).toHaveLength(2);
    expect(document.querySelector('.app-callout-phone')?.textContent).toBe(
      'Call the IT service desk on x4050.',
    );
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Start again' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Finish' })).toBeDefined();
  });

  it('when there is nowhere to send a code, then the desk updates the contact details, and only Finish is offered', async () => {
    await renderApp({ view: failed('NO_CONTACT') });
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe(
      'There is nowhere to send your code',
    );
    expect(screen.getByText(/They can update your contact details/)).toBeDefined();
    expect(screen.queryByRole('button', { name: 'Start again' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Finish' })).toBeDefined();
  });

  it("when the card's certificate has expired, then the Registration Authority renews it, the help stays, and only Finish is offered", async () => {
    await renderApp({ view: failed('CERTIFICATE_EXPIRED') });
    const heading = screen.getByRole('heading', { level: 1 });
    expect(heading.textContent).toBe('Your Smartcard’s certificate has expired');
    expect(document.activeElement).toBe(heading);
    expect(screen.getByText(/Take your Smartcard to your Registration Authority/)).toBeDefined();
    expect(document.querySelector('main')?.textContent).toContain('x4050');
    // Starting again would read the same certificate: no way on that leads back here.
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Start again' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Finish' }).className).toBe(
      'nhsuk-button nhsuk-button--secondary',
    );
  });

  it('when self-service is locked, then the heading says it plainly, the desk is named once in large type, and only Finish is offered', async () => {
    const { api, user } = await renderApp({ view: failed('SELF_SERVICE_LOCKED') });
    const heading = screen.getByRole('heading', { level: 1 });
    expect(heading.textContent).toBe('You cannot unlock your Smartcard yourself');
    expect(document.activeElement).toBe(heading);
    expect(
      screen.getByText(
        'There were too many wrong answers or codes for this Smartcard. To keep it safe, only the IT service desk can unlock it now.',
      ),
    ).toBeDefined();
    expect(document.querySelector('.app-callout-phone')?.textContent).toBe(
      'Call the IT service desk on x4050.',
    );
    expect(
      screen.getByText(
        'They will check who you are and unlock your Smartcard. You can also visit the IT walk in centres at City or Sandwell site.',
      ),
    ).toBeDefined();
    const main = document.querySelector('main')?.textContent ?? '';
    expect(main.split('x4050')).toHaveLength(2);
    expect(main).toContain('SELF_SERVICE_LOCKED');
    // Starting again would meet the same lock: the one button leaves, and does not look like a way on.
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Start again' })).toBeNull();
    const finish = screen.getByRole('button', { name: 'Finish' });
    expect(finish.className).toBe('nhsuk-button nhsuk-button--secondary');
    await user.click(finish);
    expect(api.flowCancel).toHaveBeenCalledTimes(1);
    expect(
      await screen.findByRole('heading', { level: 1, name: 'Smartcard Unlock' }),
    ).toBeDefined();
  });

  it('when the server cannot be reached and retrying is safe, then Retry starts again', async () => {
    const { api, user } = await renderApp({ view: failed('SERVER_UNREACHABLE', true) });
    api.unlockStart.mockResolvedValueOnce(ok(questionsView()));
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(api.unlockStart).toHaveBeenCalledTimes(1);
    expect(
      await screen.findByRole('heading', { level: 1, name: 'Security Questions' }),
    ).toBeDefined();
  });

  it('when the card was removed, then Start again returns to the start screen', async () => {
    const { api, user } = await renderApp({ view: failed('CARD_REMOVED') });
    expect(screen.getByText('Insert your smartcard again and press Retry.')).toBeDefined();
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

  it('when the card is not locked and holders do not register (code-only), then no Register is offered', async () => {
    await renderApp({
      service: { verification: 'code-only', channels: ['sms'] },
      view: {
        kind: 'failed',
        error: appError('CARD_NOT_LOCKED', { triesLeft: 1 }),
        canRetry: false,
      },
    });
    expect(await screen.findByText('You can log in with your usual passcode.')).toBeDefined();
    expect(screen.queryByRole('button', { name: 'Register for Smartcard Unlock' })).toBeNull();
    expect(document.body.textContent).not.toMatch(/register/i);
    expect(
      screen.getByText(
        'If you have forgotten your passcode, you can set a new one by entering a Smartcard Unlock Code that we send you, without locking your Smartcard first.',
      ),
    ).toBeDefined();
    expect(screen.getByRole('button', { name: 'Start again' }).className).toBe('nhsuk-button');
  });

  it('when the card is not locked with one try left (questions and code), then the rescue names the security questions', async () => {
    await renderApp({
      view: {
        kind: 'failed',
        error: appError('CARD_NOT_LOCKED', { triesLeft: 1 }),
        canRetry: false,
      },
    });
    expect(
      screen.getByText(
        'If you have forgotten your passcode, you can set a new one by answering your security questions and entering a Smartcard Unlock Code, without locking your Smartcard first.',
      ),
    ).toBeDefined();
    expect(screen.getByRole('button', { name: 'Register for Smartcard Unlock' })).toBeDefined();
  });

  it('when a setting is not valid, then the screen names the setting, where it was set and the fix, with the help contacts and no Retry', async () => {
    const error = settingsProblemToAppError({
      setting: 'serverUrl',
      source: { kind: 'policy', key: POLICY_KEY, value: 'serverUrl' },
      fix: 'The value "htp://unlock" is not valid here. Set it to the server\'s https:// address.',
    });
    await renderApp({ view: { kind: 'failed', error, canRetry: false } });
    const heading = screen.getByRole('heading', { level: 2, name: 'The setting at fault' });
    const problem = heading.nextElementSibling as HTMLElement;
    expect(problem.textContent).toBe(
      'The setting serverUrl in the Group Policy value serverUrl under HKLM\\SOFTWARE\\Policies\\smartcard-unlock is not valid. The value "htp://unlock" is not valid here. Set it to the server\'s https:// address.',
    );
    expect(within(problem).getByText('serverUrl').tagName).toBe('STRONG');
    const main = document.querySelector('main') as HTMLElement;
    expect(within(main).getByRole('region', { name: 'Get help' })).toBeDefined();
    expect(main.textContent).toContain('SETTINGS_INVALID');
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
  });

  it('when a settings error names no setting, then no empty setting section is shown', async () => {
    await renderApp({ view: failed('SETTINGS_INVALID') });
    expect(
      screen.getByRole('heading', { level: 1, name: wording().errors.SETTINGS_INVALID.title }),
    ).toBeDefined();
    expect(screen.queryByRole('heading', { name: 'The setting at fault' })).toBeNull();
  });
});

describe("the desk a screen names: the app's own settings, not the demo's", () => {
  const trust = {
    ...INFO,
    help: { phone: '0121 496 0000', walkIn: 'the IT office in Block B' },
  };

  it.each<ErrorCode>(['SELF_SERVICE_LOCKED', 'CARD_NOT_REGISTERED', 'SERVER_ERROR'])(
    'when the flow fails with %s on an app set with its own desk, then every line names that desk',
    async (code) => {
      await renderApp({ info: trust, view: failed(code) });
      const page = document.body.textContent ?? '';
      expect(page).toContain('0121 496 0000');
      expect(page).toContain(
        'If you require additional help with the smartcard please let us know on 0121 496 0000 or by visiting the IT office in Block B.',
      );
      expect(page).not.toContain('x4050');
      expect(page).not.toContain('Sandwell');
    },
  );

  it('when self-service is locked, then the callout and the next step name the configured number', async () => {
    await renderApp({ info: trust, view: failed('SELF_SERVICE_LOCKED') });
    expect(document.querySelector('.app-callout-phone')?.textContent).toBe(
      'Call the IT service desk on 0121 496 0000.',
    );
    expect(
      screen.getByText(
        'They will check who you are and unlock your Smartcard. You can also visit the IT office in Block B.',
      ),
    ).toBeDefined();
  });

  it('when self-service is locked and the settings could not be read, then the desk is named without a number', async () => {
    await renderApp({ info: { ...INFO, help: null }, view: failed('SELF_SERVICE_LOCKED') });
    expect(document.querySelector('.app-callout-phone')?.textContent).toBe(
      'Call the IT service desk.',
    );
    expect(
      screen.getByText('They will check who you are and unlock your Smartcard.'),
    ).toBeDefined();
  });

  it('when the settings could not be read, then the screen names the desk without a number', async () => {
    await renderApp({ info: { ...INFO, help: null }, view: failed('SETTINGS_INVALID') });
    expect(
      screen.getByText('Call the IT service desk and read out the setting named on this screen.'),
    ).toBeDefined();
    expect(document.body.textContent).not.toContain('x4050');
  });
});
