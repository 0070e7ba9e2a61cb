import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { appError } from '../../../../src/shared/errors';
import type { FlowView } from '../../../../src/shared/ipc-contract';
import { INFO, SERVICE, ok } from '../support/fake-api';
import { renderApp } from '../support/render-app';
import { codeView, questionsView } from '../support/views';

// The desk's approval on screen (docs/decisions/0025-assisted-unlock.md): the offer under each
// form and on the locked-out screen, the reference to read aloud, and its expiry.

const OFFERED = { ...SERVICE, assistedUnlock: true };
const EXPIRES = '2026-11-28T12:01:00.000Z';

const approvalView = (status: 'waiting' | 'expired' = 'waiting', referencesLeft = 2): FlowView => ({
  kind: 'unlock-approval',
  status,
  reference: '4KF-92Q',
  expiresAt: EXPIRES,
  referencesLeft,
});

const heldView = (): FlowView => ({
  kind: 'failed',
  error: appError('SELF_SERVICE_LOCKED', { assistedUnlock: true }),
  canRetry: false,
  assistedUnlock: true,
});

describe('the desk approval screens', () => {
  it('when the app waits for the desk, then the reference is large and spaced, the desk number is named, the wait is a polite status, and Cancel ends it', async () => {
    const { api, user } = await renderApp({ view: approvalView() });
    const heading = screen.getByRole('heading', {
      level: 1,
      name: 'Ask the service desk to approve your unlock',
    });
    expect(document.activeElement).toBe(heading);
    expect(document.title).toBe('Ask the service desk to approve your unlock - Smartcard Unlock');
    expect(document.querySelector('.app-callout-phone')?.textContent).toBe(
      'Call the IT service desk on x4050 and read them this reference.',
    );
    const shown = screen.getByTestId('approval-reference');
    expect([shown.textContent, shown.className, shown.getAttribute('aria-hidden')]).toEqual([
      '4KF-92Q',
      'app-reference',
      'true',
    ]);
    expect(screen.getByText('4 K F, 9 2 Q').className).toBe('nhsuk-u-visually-hidden');
    const time = new Date(EXPIRES).toLocaleTimeString('en-GB', {
      hour: '2-digit',
      minute: '2-digit',
    });
    expect(screen.getByText(`The reference works until ${time}.`)).toBeDefined();
    const status = screen
      .getByText('Waiting for the service desk to approve your unlock.')
      .closest('[role="status"]');
    expect(status?.getAttribute('aria-live')).toBe('polite');
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(api.flowCancel).toHaveBeenCalledOnce();
  });

  it('when the app cannot read its help settings, then the desk is named without a number', async () => {
    await renderApp({ view: approvalView(), info: { ...INFO, help: null } });
    expect(document.querySelector('.app-callout-phone')?.textContent).toBe(
      'Call the IT service desk and read them this reference.',
    );
  });

  it('when the reference has expired, then the screen says so and Get a new reference asks for one', async () => {
    const { api, user } = await renderApp({ view: approvalView('expired', 1) });
    expect(screen.getByRole('heading', { level: 1, name: 'Your reference has expired' })).toBe(
      document.activeElement,
    );
    expect(document.querySelector('main')?.textContent).toContain(
      'The reference 4KF-92Q can no longer be approved.',
    );
    api.unlockAskDesk.mockResolvedValueOnce(ok(approvalView()));
    await user.click(screen.getByRole('button', { name: 'Get a new reference' }));
    expect(api.unlockAskDesk).toHaveBeenCalledOnce();
    await screen.findByRole('heading', { name: 'Ask the service desk to approve your unlock' });
  });

  it('when no more references can be given, then only Start again is offered, with the desk', async () => {
    await renderApp({ view: approvalView('expired', 0) });
    expect(screen.queryByRole('button', { name: 'Get a new reference' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Start again' })).toBeDefined();
    expect(
      screen.getByText(
        'No more references can be given for this attempt. Press Start again, or call the IT service desk on x4050.',
      ),
    ).toBeDefined();
  });

  it('when the server offers the desk approval, then the questions and the code offer it, and asking shows progress then the reference', async () => {
    const { api, user } = await renderApp({ view: questionsView(), service: OFFERED });
    expect(
      screen.getByRole('heading', { level: 2, name: 'Ask the service desk instead' }),
    ).toBeDefined();
    let answer: (value: ReturnType<typeof ok<FlowView>>) => void = () => undefined;
    api.unlockAskDesk.mockReturnValueOnce(new Promise((resolve) => (answer = resolve)));
    await user.click(
      screen.getByRole('button', { name: 'Ask the service desk to approve this unlock' }),
    );
    await screen.findByRole('heading', { name: 'Getting a reference for the service desk' });
    answer(ok(approvalView()));
    await screen.findByTestId('approval-reference');
  });

  it('when the server does not offer it, then the questions do not offer the desk', async () => {
    await renderApp({ view: questionsView() });
    expect(screen.queryByRole('button', { name: /Ask the service desk/ })).toBeNull();
  });

  it('when the code confirms a registration, then its screen does not offer the desk', async () => {
    await renderApp({ view: codeView(60, 2, 'register-code'), service: OFFERED });
    expect(screen.queryByRole('button', { name: /Ask the service desk/ })).toBeNull();
  });

  it('when the code screen shows under an offering server, then it offers the desk too', async () => {
    await renderApp({ view: codeView(), service: OFFERED });
    expect(
      screen.getByRole('button', { name: 'Ask the service desk to approve this unlock' }),
    ).toBeDefined();
  });

  it('when self-service is locked but the attempt kept for the desk, then the locked-out screen offers the approval beside Finish', async () => {
    const { api, user } = await renderApp({ view: heldView() });
    expect(
      screen.getByRole('heading', { level: 1, name: 'You cannot unlock your Smartcard yourself' }),
    ).toBeDefined();
    expect(
      screen.getByText(/the service desk can approve this unlock here/, { exact: false }),
    ).toBeDefined();
    expect(screen.getByRole('button', { name: 'Finish' })).toBeDefined();
    await user.click(
      screen.getByRole('button', { name: 'Ask the service desk to approve this unlock' }),
    );
    expect(api.unlockAskDesk).toHaveBeenCalledOnce();
  });

  it('when self-service is locked and the attempt ended, then the screen offers no approval', async () => {
    const locked = appError('SELF_SERVICE_LOCKED');
    await renderApp({ view: { kind: 'failed', error: locked, canRetry: false }, service: OFFERED });
    expect(screen.queryByRole('button', { name: /Ask the service desk/ })).toBeNull();
  });
});
