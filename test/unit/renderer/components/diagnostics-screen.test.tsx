import { act, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { appError } from '../../../../src/shared/errors';
import {
  formatDiagnosticsText,
  type DiagnosticsReport,
} from '../../../../src/shared/diagnostics-report';
import type { IpcResult } from '../../../../src/shared/ipc-contract';
import { SAMPLE_DIAGNOSTICS_REPORT as REPORT } from '../../../support/sample-diagnostics-report';
import { failure, INFO, ok, type FakeApi } from '../support/fake-api';
import { renderApp } from '../support/render-app';
import { QUESTIONS, questionsView } from '../support/views';

/** Makes the next report wait until the test lets it go, as a slow server check does. */
function slowReport(api: FakeApi): (result?: IpcResult<DiagnosticsReport>) => Promise<void> {
  let release: (result: IpcResult<DiagnosticsReport>) => void = () => undefined;
  api.appGetDiagnostics.mockImplementationOnce(() => new Promise((resolve) => (release = resolve)));
  return async (result = ok(REPORT)) => {
    await act(async () => {
      release(result);
      await Promise.resolve();
    });
  };
}

const footerButton = () => screen.getByRole('button', { name: 'About and diagnostics' });
const focused = () => document.activeElement;

describe('the About and diagnostics screen', () => {
  it('when the app is set with its own desk, then the screen says to call that desk', async () => {
    const { user } = await renderApp({
      info: { ...INFO, help: { phone: '0121 496 0000', walkIn: 'the IT office in Block B' } },
    });
    await user.click(footerButton());
    expect(
      screen.getByText(/^If you call the IT service desk on 0121 496 0000, they may ask you/),
    ).toBeDefined();
  });

  it('when opened from the footer with the keyboard, then it takes focus, shows progress while the report is collected, then the report', async () => {
    const { api, user } = await renderApp();
    const done = slowReport(api);
    footerButton().focus();
    await user.keyboard('{Enter}');

    const heading = screen.getByRole('heading', { level: 1, name: 'About and diagnostics' });
    expect(focused()).toBe(heading);
    expect(document.title).toBe('About and diagnostics - Smartcard Unlock');
    expect(screen.getByRole('progressbar')).toBeDefined();
    const statuses = screen.getAllByRole('status').map((region) => region.textContent);
    expect(statuses.some((text) => text?.includes('This can take a few seconds'))).toBe(true);
    expect(screen.queryByRole('heading', { level: 1, name: 'Smartcard Unlock' })).toBeNull();

    await done();
    expect(screen.queryByRole('progressbar')).toBeNull();
    expect(screen.getByRole('table', { name: /where each one came from/ })).toBeDefined();
    expect(api.appGetDiagnostics).toHaveBeenCalledTimes(1);
  });

  it('when Back is pressed with the keyboard mid-flow, then the same step returns with what was typed, focused on its heading', async () => {
    const { api, user } = await renderApp({ view: questionsView() });
    await user.type(screen.getByLabelText(QUESTIONS[0].text), 'Ford Escort');

    await user.click(footerButton());
    await screen.findByRole('table', { name: /where each one came from/ });
    expect(screen.queryByRole('textbox', { name: QUESTIONS[0].text })).toBeNull();
    // Back is the link just before the heading.
    await user.keyboard('{Shift>}{Tab}{/Shift}');
    expect(focused()?.textContent).toBe('Back');
    await user.keyboard('{Enter}');

    expect(focused()).toBe(screen.getByRole('heading', { level: 1, name: 'Security Questions' }));
    expect(document.title).toBe('Security Questions - Smartcard Unlock');
    expect(screen.getByLabelText<HTMLInputElement>(QUESTIONS[0].text).value).toBe('Ford Escort');
    expect(footerButton()).toBeDefined();
    expect(api.flowCancel).not.toHaveBeenCalled();
    expect(api.unlockAnswer).not.toHaveBeenCalled();
  });

  it('when Copy report is pressed, then the clipboard holds the plain-text report', async () => {
    const { user } = await renderApp();
    await user.click(footerButton());
    await user.click(await screen.findByRole('button', { name: 'Copy report' }));
    expect(await navigator.clipboard.readText()).toBe(formatDiagnosticsText(REPORT));
    expect(screen.getByText(/^Copied\./)).toBeDefined();
  });

  it('when the report cannot be made, then the error shows and Try again collects it again', async () => {
    const { api, user } = await renderApp();
    api.appGetDiagnostics.mockResolvedValueOnce(failure(appError('INTERNAL')));
    await user.click(footerButton());
    expect((await screen.findByRole('alert')).textContent).toContain(
      'The report could not be made',
    );
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    await screen.findByRole('table', { name: /where each one came from/ });
    expect(api.appGetDiagnostics).toHaveBeenCalledTimes(2);
  });

  it('when the step changes behind the screen, then Back shows the new step, and a report arriving after Back is dropped', async () => {
    const { api, user } = await renderApp({ view: questionsView() });
    const done = slowReport(api);
    await user.click(footerButton());
    act(() => api.emitView({ kind: 'failed', error: appError('CARD_REMOVED'), canRetry: false }));
    expect(document.title).toBe('About and diagnostics - Smartcard Unlock');
    await user.click(screen.getByRole('button', { name: 'Back to Smartcard Unlock' }));
    expect(focused()).toBe(
      screen.getByRole('heading', { level: 1, name: 'Your Smartcard was removed' }),
    );
    await done();
    expect(screen.queryByRole('heading', { name: 'About and diagnostics' })).toBeNull();
  });
});
