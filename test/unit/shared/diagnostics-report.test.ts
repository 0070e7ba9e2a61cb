import { describe, expect, it } from 'vitest';
import { formatDiagnosticsText } from '../../../src/shared/diagnostics-report';
import { diagnosticsReportSchema } from '../../../src/shared/diagnostics-report-schema';
import { SAMPLE_DIAGNOSTICS_REPORT as REPORT } from '../../support/sample-diagnostics-report';

describe('the shared diagnostics report', () => {
  it('when a card is in use by a step, then the text says it was not read, and why', () => {
    const report = {
      ...REPORT,
      cardService: {
        state: 'running' as const,
        mock: false,
        readers: [{ name: 'Reader 1', hasCard: true, card: { kind: 'in-use' as const } }],
      },
    };
    expect(formatDiagnosticsText(diagnosticsReportSchema.parse(report))).toContain(
      'Reader 1: card present: in use by the unlock or registration in progress (not read, so as not to disturb it)',
    );
  });

  it.each([
    ['the report', { ...REPORT, passcode: '123456' }],
    ['the app', { ...REPORT, app: { ...REPORT.app, key: 'x' } }],
    [
      'a setting',
      { ...REPORT, settings: { values: [{ name: 'a', value: 'b', source: 'c', puk: '1' }] } },
    ],
    ['the server', { ...REPORT, server: { ...REPORT.server, answer: 'Ford Escort' } }],
  ])('when %s carries a field outside the schema, then it is refused', (_where, report) => {
    expect(diagnosticsReportSchema.safeParse(report).success).toBe(false);
  });

  it('when the text is made, then it lists every setting with its source and the certificate', () => {
    const text = formatDiagnosticsText(REPORT);
    expect(text).toContain('  readerName = (not set)  (from the built-in default)');
    expect(text).toContain(
      'Server https://smartcard-unlock.example.nhs.uk: reachable and healthy (HTTP 200, 42 ms)',
    );
    expect(text).toContain('  Trusted by this workstation: yes');
  });

  it('when the certificate is not trusted, then the one verdict is "not trusted, health unknown", with no HTTP status', () => {
    const server = {
      url: 'https://smartcard-unlock.example.nhs.uk',
      reachable: true,
      healthy: false,
      certificate: {
        ...REPORT.server!.certificate!,
        trusted: false,
        problem: 'SELF_SIGNED_CERT_IN_CHAIN',
      },
    };
    const text = formatDiagnosticsText(diagnosticsReportSchema.parse({ ...REPORT, server }));
    expect(text).toContain(
      'Server https://smartcard-unlock.example.nhs.uk: reachable, but NOT TRUSTED (its certificate is not trusted by this computer, so its answer was not believed and its health is unknown)',
    );
    expect(text).toContain('  Trusted by this workstation: NO (SELF_SIGNED_CERT_IN_CHAIN)');
    expect(text).not.toMatch(/HEALTHY|HTTP \d/);
  });

  it('when the server says its database is unavailable, then the text says the server runs but its database does not', () => {
    const server = {
      ...REPORT.server!,
      status: 503,
      healthy: false,
      database: 'unavailable' as const,
    };
    const text = formatDiagnosticsText(diagnosticsReportSchema.parse({ ...REPORT, server }));
    expect(text).toContain(
      'Server https://smartcard-unlock.example.nhs.uk: reachable, but its DATABASE IS NOT AVAILABLE (HTTP 503 SERVICE_UNAVAILABLE: the server runs but its database does not answer, so no card can be unlocked until it is back)',
    );
    expect(text).not.toContain('healthy');
  });
});
