import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { appError } from '../../../../src/shared/errors';
import { CARD_PRESENT, failure, NO_CARD, ok } from '../support/fake-api';
import { renderApp } from '../support/render-app';

/** The steps the start screen lists. */
const listedSteps = () =>
  within(screen.getByRole('list'))
    .getAllByRole('listitem')
    .map((li) => li.textContent);

describe('start screen', () => {
  it("when the app opens, then it shows the seed's introduction, the 3 steps and the Start button", async () => {
    await renderApp();
    expect(screen.getByRole('heading', { level: 1, name: 'Smartcard Unlock' })).toBeDefined();
    expect(
      screen.getByText(
        'Here you can unlock your Smartcard and set a new passcode. You need to have registered for the Smartcard Unlock Service to be able to do this.',
      ),
    ).toBeDefined();
    expect(
      screen.getByText('Complete these 3 simple steps to unlock your Smartcard.'),
    ).toBeDefined();
    expect(listedSteps()).toEqual([
      'Answer security questions you set during registration.',
      'Enter the Unlock Code that we will send you via registered email.',
      'Reset your Smartcard passcode.',
    ]);
    expect(
      screen.getByText(
        'To start the process, insert your Smartcard into the Smartcard reader and press the Start button below',
      ),
    ).toBeDefined();
    expect(screen.getByRole('button', { name: 'Start' })).toBeDefined();
    expect(screen.getByRole('button', { name: 'Register for Smartcard Unlock' })).toBeDefined();
    expect(document.title).toBe('Smartcard Unlock');
  });

  it('when the server checks holders by code alone, then no security questions and no registration are offered', async () => {
    const { api } = await renderApp({
      service: { verification: 'code-only', channels: ['sms', 'email'] },
    });
    expect(
      await screen.findByText('Complete these 2 simple steps to unlock your Smartcard.'),
    ).toBeDefined();
    expect(api.flowGetService).toHaveBeenCalled();
    expect(
      screen.getByText(
        'Here you can unlock your Smartcard and set a new passcode. You do not need to register first: we send a code to the contact details on your Smartcard record.',
      ),
    ).toBeDefined();
    expect(listedSteps()).toEqual([
      'Enter the Unlock Code that we will send you by text message or email.',
      'Reset your Smartcard passcode.',
    ]);
    expect(
      screen.getByText(
        'These steps should take no longer than 5 minutes to complete. Please make sure you have your mobile phone with you, or access to your email account.',
      ),
    ).toBeDefined();
    expect(screen.queryByText(/security questions/i)).toBeNull();
    expect(screen.queryByRole('heading', { name: 'Not registered yet?' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Register for Smartcard Unlock' })).toBeNull();
    expect(screen.getByRole('heading', { level: 2, name: 'Want a new passcode?' })).toBeDefined();
    expect(
      screen.getByText(
        'If your Smartcard is not locked and you know your passcode, you can change it here.',
      ),
    ).toBeDefined();
    expect(screen.getByRole('button', { name: 'Change your passcode' })).toBeDefined();
  });

  it('when codes go by text message only, then the steps and the time say a mobile phone, not email', async () => {
    await renderApp({ service: { verification: 'code-only', channels: ['sms'] } });
    expect(
      await screen.findByText('Enter the Unlock Code that we will send you by text message.'),
    ).toBeDefined();
    expect(
      screen.getByText(/Please make sure you have your mobile phone with you\.$/),
    ).toBeDefined();
    expect(document.querySelector('main')?.textContent).not.toMatch(/email/i);
  });

  it('when holders register but codes may go by text message, then the questions stay and the code step names both ways', async () => {
    await renderApp({
      service: { verification: 'questions-and-code', channels: ['email', 'sms'] },
    });
    expect(
      await screen.findByText(
        'Enter the Unlock Code that we will send you by email or text message.',
      ),
    ).toBeDefined();
    expect(listedSteps()[0]).toBe('Answer security questions you set during registration.');
    expect(screen.getByRole('button', { name: 'Register for Smartcard Unlock' })).toBeDefined();
  });

  it("when the server cannot say how it checks holders, then the screen keeps the seed's wording, and asks again next time", async () => {
    const { api, user } = await renderApp({ service: null });
    await waitFor(() => expect(api.flowGetService).toHaveBeenCalled());
    expect(listedSteps()).toHaveLength(3);
    expect(screen.getByRole('button', { name: 'Register for Smartcard Unlock' })).toBeDefined();
    const asked = api.flowGetService.mock.calls.length;
    api.flowGetService.mockResolvedValue(ok({ verification: 'code-only', channels: ['email'] }));
    await user.click(screen.getByRole('button', { name: 'Register for Smartcard Unlock' }));
    await user.click(await screen.findByRole('button', { name: 'Cancel' }));
    expect(
      await screen.findByText('Complete these 2 simple steps to unlock your Smartcard.'),
    ).toBeDefined();
    expect(api.flowGetService.mock.calls.length).toBeGreaterThan(asked);
  });

  it('when the app opens, then the focus is on the heading', async () => {
    await renderApp();
    expect(document.activeElement).toBe(screen.getByRole('heading', { level: 1 }));
  });

  it.each([
    ['service-down', 'The smartcard service on this computer is not running.'],
    ['no-reader', 'No smartcard reader was found.'],
    ['no-card', 'There is no Smartcard in the reader.'],
    ['card-present', 'Your Smartcard is in the reader (Virtual PCD 00 00).'],
  ] as const)(
    'when the reader reports %s, then the panel shows it and the page announces it once',
    async (state, text) => {
      const { api } = await renderApp({ reader: state === 'no-card' ? CARD_PRESENT : NO_CARD });
      act(() => api.emitReader({ ...CARD_PRESENT, state }));
      const status = screen.getByTestId('reader-status');
      expect(status.textContent).toContain(text);
      expect(status.closest('[aria-live]')).toBeNull();
      const announced = document.getElementById('reader-announcer')?.textContent;
      expect(announced).toBe(
        state === 'no-card' ? 'Your Smartcard was taken out of the reader.' : text,
      );
    },
  );

  it('when two readers hold cards, then the person chooses one from the list by keyboard', async () => {
    const { api, user } = await renderApp({
      reader: {
        state: 'choose-reader',
        readers: [
          { name: 'Reader A', hasCard: true },
          { name: 'Reader B', hasCard: true },
        ],
        selectedReader: null,
        mock: false,
      },
    });
    expect(screen.getByTestId('reader-status').textContent).toContain(
      'More than one smartcard reader has a card in it.',
    );
    await user.click(screen.getByRole('button', { name: 'Start' }));
    await user.click(
      screen.getByRole('link', { name: 'More than one smartcard reader has a card in it.' }),
    );
    expect(document.activeElement?.id).toBe('reader-0');
    expect(api.unlockStart).not.toHaveBeenCalled();
    await user.click(screen.getByRole('radio', { name: 'Reader B (card inserted)' }));
    await user.keyboard('{Tab}{Enter}');
    expect(api.readerChoose).toHaveBeenCalledWith({ readerName: 'Reader B' });
    expect(screen.getByTestId('reader-status').textContent).toContain(
      'Your Smartcard is in the reader (Reader B).',
    );
  });

  it('when Start is pressed with no card, then an error summary says to insert it and nothing is sent', async () => {
    const { api, user } = await renderApp({ reader: NO_CARD });
    await user.click(screen.getByRole('button', { name: 'Start' }));
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('There is a problem');
    expect(alert.textContent).toContain('There is no smartcard in the reader.');
    expect(document.activeElement?.className).toContain('nhsuk-error-summary');
    expect(api.unlockStart).not.toHaveBeenCalled();
  });

  it('when Start was pressed with no card and the card then arrives, then the stale error goes and focus stays usable', async () => {
    const { user, api } = await renderApp({ reader: NO_CARD });
    await user.click(screen.getByRole('button', { name: 'Start' }));
    expect(screen.getByRole('alert').textContent).toContain('There is no smartcard in the reader.');
    act(() => api.emitReader(CARD_PRESENT));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(document.querySelector('.nhsuk-error-summary')).toBeNull();
    expect(screen.getByTestId('reader-status').textContent).toContain(
      'Your Smartcard is in the reader (Virtual PCD 00 00).',
    );
    // The summary had focus: it goes to Start, the next thing to press, not to the page's top.
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Start' }));
  });

  it('when Start was pressed with no card and another reader problem follows, then the old error goes without a new one', async () => {
    const { user, api } = await renderApp({ reader: NO_CARD });
    await user.click(screen.getByRole('button', { name: 'Start' }));
    act(() => api.emitReader({ ...NO_CARD, state: 'no-reader', readers: [] }));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByTestId('reader-status').textContent).toContain(
      'No smartcard reader was found.',
    );
  });

  it('when an error came from the main process, then a reader event leaves it alone', async () => {
    const { user, api } = await renderApp({ reader: CARD_PRESENT });
    api.unlockStart.mockResolvedValueOnce(failure(appError('SERVER_UNREACHABLE')));
    await user.click(screen.getByRole('button', { name: 'Start' }));
    expect((await screen.findByRole('alert')).textContent).toContain(
      'The Smartcard Unlock Service cannot be reached.',
    );
    act(() => api.emitReader(NO_CARD));
    expect(screen.getByRole('alert').textContent).toContain(
      'The Smartcard Unlock Service cannot be reached.',
    );
  });

  it('when the card arrives and Start is pressed, then the unlock begins with progress shown', async () => {
    const { api, user } = await renderApp({ reader: NO_CARD });
    let answer: (v: Awaited<ReturnType<typeof api.unlockStart>>) => void = () => undefined;
    api.unlockStart.mockImplementationOnce(() => new Promise((resolve) => (answer = resolve)));
    act(() => api.emitReader(CARD_PRESENT));
    await user.click(screen.getByRole('button', { name: 'Start' }));
    expect(api.unlockStart).toHaveBeenCalledTimes(1);
    expect(screen.getByRole('heading', { level: 1, name: 'Reading your Smartcard' })).toBeDefined();
    await act(() => {
      answer({ ok: true, value: { kind: 'idle' } });
      return Promise.resolve();
    });
  });
});
