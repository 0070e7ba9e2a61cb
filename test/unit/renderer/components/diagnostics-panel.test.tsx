import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DiagnosticsPanel } from '../../../../src/renderer/components/diagnostics-panel';

const REPORT = 'Smartcard Unlock diagnostics\nApp version: 1.2.3\n';

afterEach(cleanup);

describe('diagnostics panel', () => {
  it('when the report is shown and Copy is pressed, then the exact report is copied and the user is told', async () => {
    const writeClipboard = vi.fn(() => Promise.resolve());
    render(<DiagnosticsPanel report={REPORT} writeClipboard={writeClipboard} />);
    expect(screen.getByLabelText('Diagnostics report').textContent).toBe(REPORT);
    await userEvent.click(screen.getByRole('button', { name: 'Copy' }));
    expect(writeClipboard).toHaveBeenCalledWith(REPORT);
    expect(await screen.findByText(/^Copied\./)).toBeTruthy();
  });

  it('when the clipboard refuses, then the user is told to copy by hand', async () => {
    render(
      <DiagnosticsPanel
        report={REPORT}
        writeClipboard={() => Promise.reject(new Error('denied'))}
      />,
    );
    await userEvent.click(screen.getByRole('button', { name: 'Copy' }));
    expect(await screen.findByText(/select the text and copy it by hand/)).toBeTruthy();
  });
});
