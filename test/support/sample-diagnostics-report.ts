import type { DiagnosticsReport } from '../../src/shared/diagnostics-report';

/** A complete, healthy diagnostics report: a locked PIV card and a trusted HTTPS server. */
export const SAMPLE_DIAGNOSTICS_REPORT: DiagnosticsReport = {
  generatedAt: '2026-01-02T03:04:05.000Z',
  app: {
    version: '1.2.3',
    platform: 'win32',
    arch: 'x64',
    runtime: 'Node 22.12.0, Electron 45.0.0',
  },
  settings: {
    values: [
      {
        name: 'serverUrl',
        value: 'https://smartcard-unlock.example.nhs.uk',
        source: 'the Group Policy value ServerUrl under HKLM\\SOFTWARE\\Policies\\smartcard-unlock',
      },
      { name: 'readerName', value: '(not set)', source: 'the built-in default' },
      {
        name: 'requestTimeoutSeconds',
        value: '30',
        source: 'the machine-wide settings file C:\\ProgramData\\smartcard-unlock\\config.json',
      },
    ],
  },
  cardService: {
    state: 'running',
    mock: false,
    readers: [
      {
        name: 'Virtual PCD 00 00',
        hasCard: true,
        atr: '3B8880010000000000000000',
        card: {
          kind: 'piv',
          cardId: 'c0ffee00c0ffee00c0ffee00c0ffee00',
          passcodeTriesLeft: 0,
          locked: true,
        },
      },
      { name: 'Virtual PCD 00 01', hasCard: false },
    ],
  },
  server: {
    url: 'https://smartcard-unlock.example.nhs.uk',
    reachable: true,
    status: 200,
    healthy: true,
    milliseconds: 42,
    database: 'ok',
    certificate: {
      subject: 'CN=smartcard-unlock.example.nhs.uk',
      issuer: 'CN=Example NHS Issuing CA',
      validFrom: 'Jan  1 00:00:00 2026 GMT',
      validTo: 'Jan  1 00:00:00 2027 GMT',
      fingerprint256: 'AB:CD:EF',
      trusted: true,
    },
  },
};
