import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DiagnosticsPanel } from '../../../../src/renderer/components/diagnostics-panel';
import {
  formatDiagnosticsText,
  type DiagnosticsReport,
} from '../../../../src/shared/diagnostics-report';
import { SAMPLE_DIAGNOSTICS_REPORT as REPORT } from '../../../support/sample-diagnostics-report';

afterEach(cleanup);

const section = (name: string) => {
  const heading = screen.getByRole('heading', { level: 2, name });
  return heading.nextElementSibling as HTMLElement;
};

describe('diagnostics panel', () => {
  it('when a report is shown, then each setting appears with the source it came from', () => {
    render(<DiagnosticsPanel report={REPORT} />);
    const table = screen.getByRole('table', { name: /where each one came from/ });
    const row = within(table).getByRole('row', { name: /serverUrl/ });
    // Each cell repeats its column's heading for the stacked (narrow) layout, hidden from readers.
    const cells = within(row).getAllByRole('cell');
    for (const cell of cells) {
      expect(
        cell.querySelector('.nhsuk-table-responsive__heading')?.getAttribute('aria-hidden'),
      ).toBe('true');
    }
    const withoutHeading = (cell: HTMLElement): string | null => {
      const copy = cell.cloneNode(true) as HTMLElement;
      copy.querySelector('.nhsuk-table-responsive__heading')?.remove();
      return copy.textContent;
    };
    expect(cells.map(withoutHeading)).toEqual([
      'https://smartcard-unlock.example.nhs.uk',
      'the Group Policy value ServerUrl under HKLM\\SOFTWARE\\Policies\\smartcard-unlock',
    ]);
    expect(within(table).getAllByRole('row')).toHaveLength(1 + REPORT.settings.values.length);
  });

  it('when a report is shown, then the version, card service, readers, card and server certificate are named', () => {
    render(<DiagnosticsPanel report={REPORT} />);
    expect(section('App').textContent).toContain('1.2.3');
    const card = section('Card reader').textContent;
    expect(card).toContain('Running');
    expect(card).toContain(
      'Virtual PCD 00 00: card present: PIV card c0ffee00c0ffee00c0ffee00c0ffee00, LOCKED',
    );
    expect(card).toContain('Virtual PCD 00 01: no card');
    const server = section('Smartcard Unlock Service').textContent;
    expect(server).toContain('https://smartcard-unlock.example.nhs.uk');
    expect(server).toContain('Healthy');
    expect(server).toContain('CN=smartcard-unlock.example.nhs.uk, issued by CN=Example NHS');
    expect(server).toMatch(/Trusted by this computer\s*Yes/);
  });

  it('when the certificate is not trusted or the database is down, then the health check says so and nothing else', () => {
    const untrusted: DiagnosticsReport = {
      ...REPORT,
      server: {
        url: REPORT.server!.url,
        reachable: true,
        healthy: false,
        certificate: { ...REPORT.server!.certificate!, trusted: false, problem: 'CERT_UNTRUSTED' },
      },
    };
    const { unmount } = render(<DiagnosticsPanel report={untrusted} />);
    const server = section('Smartcard Unlock Service').textContent;
    expect(server).toMatch(/Health check\s*Unknown its certificate is not trusted/);
    expect(server).not.toMatch(/Healthy|Not healthy|HTTP/);
    unmount();
    render(
      <DiagnosticsPanel
        report={{
          ...REPORT,
          server: { ...REPORT.server!, status: 503, healthy: false, database: 'unavailable' },
        }}
      />,
    );
    expect(section('Smartcard Unlock Service').textContent).toMatch(
      /Health check\s*Database unavailable HTTP 503 SERVICE_UNAVAILABLE: the server runs but its database does not answer/,
    );
  });

  it('when a setting is invalid and the card service is down, then both problems are stated', () => {
    const broken: DiagnosticsReport = {
      ...REPORT,
      settings: {
        problem: {
          setting: 'serverUrl',
          source: 'the environment variable SMARTCARD_UNLOCK_SERVER_URL',
          fix: 'Set it to the address of the Smartcard Unlock server.',
        },
        values: [],
      },
      cardService: { state: 'down', mock: false, problem: 'pcscd is not running' },
      server: null,
    };
    render(<DiagnosticsPanel report={broken} />);
    expect(section('Settings').textContent).toContain(
      'the environment variable SMARTCARD_UNLOCK_SERVER_URL',
    );
    expect(screen.queryByRole('table')).toBeNull();
    expect(section('Card reader').textContent).toContain('Not running pcscd is not running');
    expect(screen.getByText('Not checked: the settings are not valid.')).toBeDefined();
  });

  it('when Copy report is pressed, then the plain-text report is copied and the user is told', async () => {
    const writeClipboard = vi.fn(() => Promise.resolve());
    render(<DiagnosticsPanel report={REPORT} writeClipboard={writeClipboard} />);
    await userEvent.click(screen.getByRole('button', { name: 'Copy report' }));
    expect(writeClipboard).toHaveBeenCalledWith(formatDiagnosticsText(REPORT));
    expect(screen.getByRole('status').textContent).toMatch(/^Copied\./);
  });

  it('when the clipboard refuses, then the text opens below to be selected and copied by hand', async () => {
    render(
      <DiagnosticsPanel
        report={REPORT}
        writeClipboard={() => Promise.reject(new Error('denied'))}
      />,
    );
    const details = screen.getByText('Show the report as text').closest('details')!;
    expect(details.open).toBe(false);
    await userEvent.click(screen.getByRole('button', { name: 'Copy report' }));
    expect(await screen.findByText(/select it and copy it/)).toBeDefined();
    expect(details.open).toBe(true);
    expect(screen.getByLabelText('Report text').textContent).toBe(formatDiagnosticsText(REPORT));
  });
});
