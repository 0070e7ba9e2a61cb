import { screen, within } from '@testing-library/react';
import { beforeAll, describe, expect, it } from 'vitest';
import { ok, STEP_LISTS } from '../support/fake-api';
import { renderApp } from '../support/render-app';
import { channelView, codeView, EMAIL, MOBILE, questionsView } from '../support/views';

// jsdom has no CSS.escape, which user-event's radios call; our names need none.
beforeAll(() => {
  const view = document.defaultView as (Window & { CSS?: { escape?: unknown } }) | null;
  if (view !== null && typeof view.CSS?.escape !== 'function') {
    Object.defineProperty(view, 'CSS', { value: { escape: (s: string) => s }, configurable: true });
  }
});

const WARNING =
  'You are attempting to unlock a Smartcard issued to Mr John Rigby. If this is not you please do not proceed. To do so will result in disciplinary action.';

/** The warning callouts on the page. */
const warnings = () => [...document.querySelectorAll('.nhsuk-card--warning')];

describe('who the card belongs to', () => {
  it("when the server names the holder before the questions, then the seed's one warning is on Security Questions, with no extra click", async () => {
    await renderApp({ view: questionsView() });
    const heading = screen.getByRole('heading', { level: 1, name: 'Security Questions' });
    expect(document.activeElement).toBe(heading);
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]?.textContent).toContain(WARNING);
    expect(warnings()[0]?.querySelector('strong')?.textContent).toBe('Mr John Rigby');
    expect(screen.getAllByRole('textbox')).toHaveLength(2);
    expect(screen.queryByRole('button', { name: /This is my Smartcard/ })).toBeNull();
  });

  it('when the holder answers with the warning on screen, then the choice that follows does not warn again', async () => {
    const { api, user } = await renderApp({ view: questionsView() });
    api.unlockAnswer.mockImplementationOnce(() => {
      api.emitView({ kind: 'busy', step: 'checking-answers' });
      return Promise.resolve(ok(channelView([EMAIL, MOBILE])));
    });
    await user.type(screen.getByLabelText(/first car/), 'Ford Escort');
    await user.type(screen.getByLabelText(/childhood phone/), '0121 555 0100');
    await user.click(screen.getByRole('button', { name: 'Next' }));
    await screen.findByRole('heading', {
      level: 1,
      name: 'Where should we send your Smartcard Unlock Code?',
    });
    expect(warnings()).toHaveLength(0);
  });

  it('when the holder has one contact and no questions, then a screen says where the code will go, warns once, and sends only when they confirm', async () => {
    const { api, user } = await renderApp({ view: channelView([MOBILE]) });
    const heading = screen.getByRole('heading', { level: 1 });
    expect(heading.textContent).toBe('Get your Smartcard Unlock Code');
    expect(document.activeElement).toBe(heading);
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]?.textContent).toContain(WARNING);
    // The page heading is not repeated as the callout's.
    expect(warnings()[0]?.querySelector('h2')?.textContent).not.toContain(heading.textContent);
    expect(document.querySelector('main')?.textContent).toContain(
      'We will send a Smartcard Unlock Code by text message to 07*** ***321.',
    );
    expect(api.unlockSendCode).not.toHaveBeenCalled();
    api.unlockSendCode.mockResolvedValueOnce(ok(codeView(60, 2, 'unlock-code', MOBILE)));
    await user.keyboard('{Tab}{Enter}');
    expect(api.unlockSendCode).toHaveBeenCalledWith({ channel: 'sms' });
    expect(
      await screen.findByRole('heading', { level: 1, name: 'Smartcard Unlock Code' }),
    ).toBeDefined();
  });

  it('when the holder has two contacts and no questions, then the warning is on the choice, read with the group, and nothing is sent before Continue', async () => {
    const { api, user } = await renderApp({ view: channelView([MOBILE, EMAIL]) });
    const group = screen.getByRole('group', {
      name: 'Where should we send your Smartcard Unlock Code?',
    });
    expect(warnings()).toHaveLength(1);
    const warning = warnings()[0] as HTMLElement;
    expect(warning.textContent).toContain(WARNING);
    expect(group.getAttribute('aria-describedby')?.split(' ')).toContain(warning.id);
    expect(within(group).getAllByRole('radio')).toHaveLength(2);
    expect(api.unlockSendCode).not.toHaveBeenCalled();
    api.unlockSendCode.mockResolvedValueOnce(ok(codeView(60, 2, 'unlock-code', EMAIL)));
    await user.click(screen.getByRole('radio', { name: 'Email to j****y@nhs.net' }));
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    expect(api.unlockSendCode).toHaveBeenCalledWith({ channel: 'email' });
  });

  it('when it is not their card, then the attempt is cancelled and nothing is sent', async () => {
    const { api, user } = await renderApp({ view: channelView([MOBILE]) });
    await user.click(screen.getByRole('button', { name: 'This is not my Smartcard' }));
    expect(api.flowCancel).toHaveBeenCalledTimes(1);
    expect(api.unlockSendCode).not.toHaveBeenCalled();
    expect(
      await screen.findByRole('heading', { level: 1, name: 'Smartcard Unlock' }),
    ).toBeDefined();
  });

  it('when the flow lists no holder confirmation, then the choice shows without the warning', async () => {
    const steps = STEP_LISTS.map((list) => ({
      ...list,
      steps: list.steps.map((step) => ({ ...step, confirmHolder: false })),
    }));
    await renderApp({ view: channelView([MOBILE, EMAIL]), steps });
    expect(
      screen.getByRole('heading', {
        level: 1,
        name: 'Where should we send your Smartcard Unlock Code?',
      }),
    ).toBeDefined();
    expect(warnings()).toHaveLength(0);
  });
});
