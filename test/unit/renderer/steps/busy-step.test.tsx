import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ProgressStep } from '../../../../src/shared/ipc-contract';
import { wording } from '../../../../src/shared/wording';
import { renderApp } from '../support/render-app';

describe('progress', () => {
  it.each(Object.entries(wording().progress.steps))(
    'when the step %s runs, then a status region shows a progress bar and says what is happening',
    async (step, text) => {
      await renderApp({
        view: { kind: 'busy', step: step as ProgressStep },
      });
      // The page's reader announcer is a status too; the step's is the other one.
      const [status, ...others] = screen
        .getAllByRole('status')
        .filter((region) => region.id !== 'reader-announcer');
      expect(others).toHaveLength(0);
      if (status === undefined) throw new Error('no status region');
      expect(status.getAttribute('aria-live')).toBe('polite');
      expect(status.querySelector('h1')?.textContent).toBe(text);
      expect(status.querySelector('progress')?.getAttribute('aria-label')).toBe(text);
      expect(status.textContent).toContain('Do not remove your Smartcard.');
    },
  );
});
