import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { appError } from '../../../../src/shared/errors';
import { ok, STEP_LISTS } from '../support/fake-api';
import { domText, renderApp, storeText } from '../support/render-app';
import { changeView, HOLDER, QUESTIONS } from '../support/views';

const CURRENT = 'Old1!x';
const NEW = 'N3w!pass';
const current = () => screen.getByLabelText('Current passcode');
const first = () => screen.getByLabelText('New passcode');
const second = () => screen.getByLabelText('Confirm new passcode');
const consent = () => screen.getByRole('checkbox');
const errorsOf = (id: string) => document.getElementById(`${id}-error`)?.textContent ?? '';
const changeButton = () => screen.getByRole('button', { name: 'Change passcode' });

async function fill(user: Awaited<ReturnType<typeof renderApp>>['user']) {
  await user.type(current(), CURRENT);
  await user.type(first(), NEW);
  await user.type(second(), NEW);
}

describe('change your passcode', () => {
  it('when Change your passcode is pressed on the start screen, then the card is read for the change', async () => {
    const { api, user } = await renderApp();
    api.changeStart.mockResolvedValueOnce(ok(changeView()));
    await user.click(screen.getByRole('button', { name: 'Change your passcode' }));
    expect(api.changeStart).toHaveBeenCalledWith({});
    expect(
      await screen.findByRole('heading', { level: 1, name: 'Change your passcode' }),
    ).toBeDefined();
    expect(document.activeElement?.textContent).toBe('Change your passcode');
  });

  it('when the passcodes are sent, then all three boxes are wiped and neither the store nor the page keeps them', async () => {
    const { api, user } = await renderApp({ view: changeView() });
    api.changeSubmitPasscodes.mockResolvedValueOnce(ok({ kind: 'change-done' }));
    expect(screen.queryByRole('checkbox')).toBeNull();
    await fill(user);
    await user.click(changeButton());
    expect(api.changeSubmitPasscodes).toHaveBeenCalledWith({
      current: CURRENT,
      passcode: NEW,
      confirmation: NEW,
      spendLastTry: false,
    });
    expect(
      await screen.findByRole('heading', { level: 1, name: 'Your passcode is changed' }),
    ).toBeDefined();
    for (const secret of [CURRENT, NEW]) {
      expect(storeText()).not.toContain(secret);
      expect(domText()).not.toContain(secret);
    }
  });

  it('when Change passcode is pressed with empty boxes, then the summary lists each problem and nothing is sent', async () => {
    const { api, user } = await renderApp({ view: changeView() });
    await user.click(changeButton());
    expect(screen.getByRole('link', { name: 'Enter your current passcode.' })).toBeDefined();
    expect(screen.getByRole('link', { name: 'Enter a new passcode.' })).toBeDefined();
    expect(errorsOf('current-passcode')).toContain('Enter your current passcode.');
    expect(api.changeSubmitPasscodes).not.toHaveBeenCalled();
  });

  it('when the new passcode breaks the policy, then it says so as it is typed, as a hint', async () => {
    const { user } = await renderApp({ view: changeView() });
    await user.type(first(), 'abc');
    expect(document.getElementById('new-passcode-checks')?.textContent).toContain(
      'Your passcode must be at least 4 characters long.',
    );
    expect(errorsOf('new-passcode')).toBe('');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('when Change passcode found problems, then typing the missing passcode leaves the summary and focus alone', async () => {
    const { user } = await renderApp({ view: changeView() });
    await user.click(changeButton());
    const summary = screen.getByRole('alert').textContent;
    await user.click(current());
    await user.type(current(), CURRENT);
    expect(document.activeElement).toBe(current());
    expect(screen.getByRole('alert').textContent).toBe(summary);
  });

  it('when the current passcode is wrong, then the tries left show on its box and the boxes are empty', async () => {
    const { api, user } = await renderApp({ view: changeView() });
    const error = appError('PASSCODE_WRONG', { triesLeft: 2 });
    api.changeSubmitPasscodes.mockResolvedValueOnce(ok(changeView(2, { error })));
    await fill(user);
    await user.click(changeButton());
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain(error.message);
    expect(errorsOf('current-passcode')).toContain(error.message);
    expect(current()).toHaveProperty('value', '');
    expect(storeText()).not.toContain(CURRENT);
  });

  it('when one try is left, then the screen warns before anything is sent and requires consent', async () => {
    const { api, user } = await renderApp({ view: changeView(1) });
    expect(
      screen.getByRole('heading', { level: 2, name: /Your Smartcard has 1 passcode try left/ }),
    ).toBeDefined();
    expect(screen.getByRole('button', { name: 'I have forgotten my passcode' })).toBeDefined();
    await fill(user);
    await user.click(changeButton());
    expect(api.changeSubmitPasscodes).not.toHaveBeenCalled();
    const link = screen.getByRole('link', {
      name: 'Confirm that you are sure of your current passcode, or use the forgotten passcode route instead.',
    });
    await user.click(link);
    expect(document.activeElement).toBe(consent());
    await user.click(consent());
    await user.click(changeButton());
    expect(api.changeSubmitPasscodes).toHaveBeenCalledWith({
      current: CURRENT,
      passcode: NEW,
      confirmation: NEW,
      spendLastTry: true,
    });
  });

  it('when the main process refuses the last try (the count fell meanwhile), then the consent box says why', async () => {
    const error = appError('VALIDATION_FAILED', { field: 'spendLastTry', triesLeft: 1 });
    await renderApp({ view: changeView(1, { error }) });
    expect(errorsOf('last-try-confirm')).toContain('Confirm that you are sure');
  });
});

describe('a card that is not locked', () => {
  it('when Start finds the card not locked, then the change of passcode is offered', async () => {
    const { api, user } = await renderApp({
      view: { kind: 'failed', error: appError('CARD_NOT_LOCKED'), canRetry: false },
    });
    expect(screen.queryByText(/1 passcode try left/)).toBeNull();
    api.changeStart.mockResolvedValueOnce(ok(changeView()));
    await user.click(screen.getByRole('button', { name: 'Change your passcode' }));
    expect(api.changeStart).toHaveBeenCalledTimes(1);
  });

  it('when it has one try left, then the screen says so before any guess and offers the forgotten-passcode route', async () => {
    const { api, user } = await renderApp({
      view: {
        kind: 'failed',
        error: appError('CARD_NOT_LOCKED', { triesLeft: 1 }),
        canRetry: false,
      },
    });
    expect(
      screen.getByRole('heading', { level: 2, name: /Your Smartcard has 1 passcode try left/ }),
    ).toBeDefined();
    api.forgottenStart.mockResolvedValueOnce(
      ok({
        kind: 'unlock-questions',
        holderName: HOLDER,
        questions: [...QUESTIONS],
        answerTriesLeft: 3,
      }),
    );
    await user.click(screen.getByRole('button', { name: 'I have forgotten my passcode' }));
    expect(api.forgottenStart).toHaveBeenCalledWith({});
    expect(
      await screen.findByRole('heading', { level: 1, name: 'Security Questions' }),
    ).toBeDefined();
    expect(document.querySelector('.nhsuk-card--warning')?.textContent).toContain(HOLDER);
    // The views are the unlock's, but the answers go on the forgotten passcode's own channel.
    await user.type(screen.getByLabelText(QUESTIONS[0].text), 'a');
    await user.type(screen.getByLabelText(QUESTIONS[1].text), 'b');
    await user.click(screen.getByRole('button', { name: 'Next' }));
    expect(api.forgottenAnswer).toHaveBeenCalledTimes(1);
    expect(api.unlockAnswer).not.toHaveBeenCalled();
  });

  it('when the app runs no forgotten-passcode flow, then the warning names the service desk instead', async () => {
    await renderApp({
      view: {
        kind: 'failed',
        error: appError('CARD_NOT_LOCKED', { triesLeft: 1 }),
        canRetry: false,
      },
      steps: STEP_LISTS.filter((list) => list.flow !== 'forgotten'),
    });
    expect(screen.getByText(/do not guess: contact the IT service desk on x4050/)).toBeDefined();
    expect(screen.queryByRole('button', { name: 'I have forgotten my passcode' })).toBeNull();
  });
});
