import axe from 'axe-core';
import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { appError, type ErrorCode } from '../../../src/shared/errors';
import type { FlowView } from '../../../src/shared/ipc-contract';
import { NO_CARD } from './support/fake-api';
import { renderApp } from './support/render-app';
import { codeView, newPasscodeView, questionsView } from './support/views';

/**
 * axe on the screens' markup in jsdom. Colour contrast and a name's match to its label (it draws
 * text on a canvas) need a browser, so the end-to-end suite checks them; the rest must be clean.
 */
async function axeFindings(): Promise<{ violations: string[]; incomplete: string[] }> {
  const result = await axe.run(document.body, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    rules: {
      'color-contrast': { enabled: false },
      'label-content-name-mismatch': { enabled: false },
    },
  });
  const named = (rules: axe.Result[]) =>
    rules.map((r) => `${r.id}: ${r.nodes.map((n) => n.html.slice(0, 120)).join(' | ')}`);
  return { violations: named(result.violations), incomplete: named(result.incomplete) };
}

const failed = (code: ErrorCode): FlowView => ({
  kind: 'failed',
  error: appError(code),
  canRetry: false,
});

describe('accessibility of the screens (axe, WCAG 2.2 AA)', () => {
  it('when Start is pressed with no card, then the error summary leaves axe nothing to review', async () => {
    const { user } = await renderApp({ reader: NO_CARD });
    await user.click(screen.getByRole('button', { name: 'Start' }));
    expect(screen.getByRole('alert')).toBeDefined();
    expect(await axeFindings()).toEqual({ violations: [], incomplete: [] });
  });

  it.each<[string, FlowView, string]>([
    ['Security Questions', questionsView(), 'Next'],
    ['Smartcard Unlock Code', codeView(), 'Next'],
    ['Set a new passcode', newPasscodeView(), 'Confirm'],
  ])(
    'when %s is sent empty, then its errors leave axe nothing to review',
    async (_name, view, button) => {
      const { user } = await renderApp({ view });
      await user.click(screen.getByRole('button', { name: button }));
      expect(screen.getByRole('alert')).toBeDefined();
      expect(await axeFindings()).toEqual({ violations: [], incomplete: [] });
    },
  );

  it.each<[string, FlowView]>([
    [
      'the reference for the desk',
      {
        kind: 'unlock-approval',
        status: 'waiting',
        reference: '4KF-92Q',
        expiresAt: '2026-11-28T12:01:00.000Z',
        referencesLeft: 2,
      },
    ],
    [
      'the expired reference',
      {
        kind: 'unlock-approval',
        status: 'expired',
        reference: '4KF-92Q',
        expiresAt: '2026-11-28T12:01:00.000Z',
        referencesLeft: 1,
      },
    ],
    [
      'the lockout kept for the desk',
      {
        kind: 'failed',
        error: appError('SELF_SERVICE_LOCKED', { assistedUnlock: true }),
        canRetry: false,
        assistedUnlock: true,
      },
    ],
  ])('when the screen shows %s, then axe finds nothing', async (_name, view) => {
    await renderApp({ view });
    expect(await axeFindings()).toEqual({ violations: [], incomplete: [] });
  });

  it.each<ErrorCode>(['SELF_SERVICE_LOCKED', 'CARD_REMOVED', 'CARD_NOT_LOCKED'])(
    'when the failure screen shows %s, then axe finds nothing',
    async (code) => {
      await renderApp({ view: failed(code) });
      expect(await axeFindings()).toEqual({ violations: [], incomplete: [] });
    },
  );
});
