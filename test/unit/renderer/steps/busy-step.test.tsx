import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { PROGRESS_WORDING } from '../../../../src/renderer/wording';
import { renderApp } from '../support/render-app';

describe('progress', () => {
  it.each(Object.entries(PROGRESS_WORDING))(
    'when the step %s runs, then a status region shows a progress bar and says what is happening',
    async (step, text) => {
      await renderApp({
        view: { kind: 'busy', step: step as keyof typeof PROGRESS_WORDING },
      });
      const status = screen.getByRole('status');
      expect(status.getAttribute('aria-live')).toBe('polite');
      expect(status.querySelector('h1')?.textContent).toBe(text);
      expect(status.querySelector('progress')?.getAttribute('aria-label')).toBe(text);
      expect(status.textContent).toContain('Do not remove your Smartcard.');
    },
  );
});
