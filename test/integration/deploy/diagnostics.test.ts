import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../server/app';
import { createServices, serverCoreSettingsSchema } from '../../../server/create-services';
import { httpSettingsSchema } from '../../../server/http/settings';
import { listen, type RunningServer } from '../../../server/http/server';
import type { ServerCore } from '../../../server/domain/ports';
import { createAppServices } from '../../../src/main/app-services';
import { MockReaderBackend } from '../../../src/main/card/virtual/mock-reader-backend';
import { collectDiagnostics } from '../../../src/main/diagnostics/collect-diagnostics';
import {
  formatDiagnosticsText,
  type DiagnosticsReport,
} from '../../../src/shared/diagnostics-report';
import { diagnosticsReportSchema } from '../../../src/shared/diagnostics-report-schema';
import { dispatchInvoke } from '../../../src/main/ipc/dispatch';
import { guardedInvoke } from '../../../src/main/ipc/guarded-invoke';
import { createMemoryLogger } from '../../../src/main/logging/logger';
import { loadSettings } from '../../../src/main/settings/load-settings';
import { ok } from '../../../src/shared/result';
import { makeCard } from '../../unit/main/card/support';
import { makeTestCertificate } from '../../unit/server/config/test-certificate';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const run = promisify(execFile);

// Distinctive secrets, so finding one in the report cannot be a coincidence.
const PIN = '739215';
const PUK = '48201937';
const GUID = 'c0ffee00c0ffee00c0ffee00c0ffee00';
const kek = randomBytes(32).toString('base64');
const pepper = randomBytes(32).toString('base64');

let dir: string;
let core: ServerCore;
let server: RunningServer;
let tls: { certFile: string; keyFile: string };

/** Every secret the report must not hold: card references, card keys, server keys. */
function secrets(cardKeys: readonly string[]): string[] {
  const keyBodies = cardKeys.flatMap((pem) =>
    pem
      .split('\n')
      .filter((line) => line.length > 20 && !line.startsWith('-----'))
      .map((line) => line.slice(0, 24)),
  );
  return [PIN, PUK, kek, pepper, 'PRIVATE KEY', ...keyBodies];
}

function expectNoSecret(report: DiagnosticsReport, cardKeys: readonly string[]): void {
  const texts = [JSON.stringify(report), formatDiagnosticsText(report)];
  for (const secret of secrets(cardKeys)) {
    for (const text of texts) expect(text.includes(secret), `report holds ${secret}`).toBe(false);
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scu-diagnostics-'));
  tls = makeTestCertificate(dir);
  const settings = serverCoreSettingsSchema.parse({
    storage: { kind: 'sqlite', file: join(dir, 'server.sqlite') },
    mail: { kind: 'outbox', dir: join(dir, 'outbox') },
    keys: { keyEncryptionKeys: { main: kek }, activeKeyId: 'main', answerPepper: pepper },
  });
  core = await createServices(settings);
  const app = createApp({
    services: core,
    logger: pino({ level: 'silent' }),
    http: httpSettingsSchema.parse({}),
  });
  server = await listen(app, {
    host: '127.0.0.1',
    port: 0,
    tls: {
      ...tls,
      cert: readFileSync(tls.certFile),
      key: readFileSync(tls.keyFile),
    },
  });
});

afterAll(async () => {
  await server?.close(1000);
  await core?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Settings inputs with nothing but these flags. */
const flags = (...argv: string[]) => ({
  machineFile: join(dir, 'none.json'),
  userFile: join(dir, 'none.json'),
  env: {},
  argv,
});

describe('diagnostics report against the virtual card and the embedded server', () => {
  it('when a locked PIV card is in the reader and the server is pinned, then the report shows both, with no secret', async () => {
    const { card, profile } = makeCard({ guid: GUID, pin: PIN, puk: PUK });
    const backend = new MockReaderBackend(card);
    backend.lock();
    const report = await collectDiagnostics({
      inputs: flags(`--server-url=${server.url}`, '--ca-certificate-file', tls.certFile),
      version: '9.8.7',
      openBackend: () => Promise.resolve(ok(backend)),
    });

    expect(diagnosticsReportSchema.parse(report)).toEqual(report);
    expect(report.app.version).toBe('9.8.7');
    expect(report.settings.values).toContainEqual({
      name: 'serverUrl',
      value: server.url,
      source: 'the command-line flag --server-url',
    });
    expect(report.cardService).toMatchObject({
      state: 'running',
      mock: false,
      readers: [{ hasCard: true, card: { kind: 'piv', cardId: GUID, locked: true } }],
    });
    expect(report.server).toMatchObject({
      reachable: true,
      status: 200,
      healthy: true,
      database: 'ok',
    });
    expect(report.server?.certificate).toMatchObject({ subject: 'CN=localhost', trusted: true });
    expect(formatDiagnosticsText(report)).toContain(`PIV card ${GUID}, LOCKED`);
    expectNoSecret(report, Object.values(profile.keys));
  });

  it('when the server certificate is not pinned, then the report says it is not trusted and why', async () => {
    const { card } = makeCard({ guid: GUID, pin: PIN, puk: PUK });
    const report = await collectDiagnostics({
      inputs: flags(`--server-url=${server.url}`),
      version: '1.0.0',
      openBackend: () =>
        Promise.resolve(ok(new MockReaderBackend(card, undefined, { inserted: false }))),
    });
    expect(report.server).toMatchObject({ reachable: true, healthy: false });
    expect(report.server?.certificate?.trusted).toBe(false);
    expect(report.server?.certificate?.problem).toMatch(/SELF_SIGNED|self.signed/i);
    expect(report.cardService).toMatchObject({ readers: [{ hasCard: false }] });
    expect(formatDiagnosticsText(report)).toContain('Trusted by this workstation: NO');
  });

  it('when a wrong CA is pinned, then the one verdict is "not trusted", with no health status beside it', async () => {
    const wrong = makeTestCertificate(dir, 'other-ca');
    const { card } = makeCard({ guid: GUID, pin: PIN, puk: PUK });
    const report = await collectDiagnostics({
      inputs: flags(`--server-url=${server.url}`, `--ca-certificate-file=${wrong.certFile}`),
      version: '1.0.0',
      openBackend: () => Promise.resolve(ok(new MockReaderBackend(card))),
    });
    expect(report.server).toMatchObject({ reachable: true, healthy: false });
    expect(report.server?.status).toBeUndefined();
    expect(report.server?.database).toBeUndefined();
    expect(report.server?.certificate).toMatchObject({ subject: 'CN=localhost', trusted: false });
    const text = formatDiagnosticsText(report);
    expect(text).toContain(`Server ${server.url}: reachable, but NOT TRUSTED`);
    expect(text).toMatch(/Trusted by this workstation: NO \(\w+\)/);
    expect(text).not.toMatch(/HEALTHY|HTTP \d/);
  });

  it('when the settings are wrong, then the report names the problem and still checks the readers', async () => {
    const { card } = makeCard({ guid: GUID, pin: PIN, puk: PUK });
    const report = await collectDiagnostics({
      inputs: flags('--request-timeout-seconds=999'),
      version: '1.0.0',
      openBackend: () => Promise.resolve(ok(new MockReaderBackend(card))),
    });
    expect(report.settings.problem?.setting).toBe('requestTimeoutSeconds');
    expect(report.server).toBeNull();
    expect(report.cardService.state).toBe('running');
  });

  it('when npm run diagnostics runs in mock reader mode with --json, then it prints the report and exits 0', async () => {
    const profileFile = join(dir, 'card.json');
    writeFileSync(
      profileFile,
      JSON.stringify({
        guid: GUID,
        holderName: 'Ms Diagnostics',
        pin: PIN,
        puk: PUK,
        pinTriesLeft: 2,
        pukTriesLeft: 3,
      }),
    );
    const { stdout } = await run(
      join(root, 'node_modules', '.bin', 'tsx'),
      [
        'scripts/diagnostics.ts',
        '--json',
        `--server-url=${server.url}`,
        `--ca-certificate-file=${tls.certFile}`,
        '--mock-reader',
        `--mock-card-profile=${profileFile}`,
      ],
      { cwd: root, env: { PATH: process.env.PATH ?? '', HOME: dir } },
    );
    const report = diagnosticsReportSchema.parse(JSON.parse(stdout));
    expect(report.cardService).toMatchObject({
      state: 'running',
      mock: true,
      readers: [{ card: { kind: 'piv', cardId: GUID, passcodeTriesLeft: 2, locked: false } }],
    });
    expect(report.server?.healthy).toBe(true);
    const written = JSON.parse(readFileSync(profileFile, 'utf8')) as {
      keys: Record<string, string>;
    };
    expectNoSecret(report, Object.values(written.keys));
  });

  it('when the app screen asks over IPC, then it gets the report the command line makes, with no secret', async () => {
    const { card, profile } = makeCard({ guid: GUID, pin: PIN, puk: PUK });
    const backend = new MockReaderBackend(card);
    backend.lock();
    const inputs = flags(
      `--server-url=${server.url}`,
      `--ca-certificate-file=${tls.certFile}`,
      '--mock-reader',
    );
    const { logger, records } = createMemoryLogger();
    const runtime = await createAppServices({
      settings: loadSettings(inputs),
      version: '9.8.7',
      logger,
      openReaders: () => Promise.resolve(ok({ backend, mock: backend })),
    });
    try {
      const refused = await guardedInvoke(
        runtime.handlers,
        ['file://'],
        'https://evil.example/',
        'app:get-diagnostics',
        {},
      );
      expect(refused).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });

      const viaIpc = await dispatchInvoke(runtime.handlers, 'app:get-diagnostics', {});
      if (!viaIpc.ok) throw new Error(`app:get-diagnostics failed: ${JSON.stringify(viaIpc)}`);
      const fromIpc = diagnosticsReportSchema.parse(viaIpc.value);
      const fromCli = await collectDiagnostics({
        inputs,
        version: '9.8.7',
        openBackend: () => Promise.resolve(ok(backend)),
      });
      // Same facts; only the moment and the measured round trip differ.
      const facts = (r: DiagnosticsReport) => ({
        ...r,
        generatedAt: '',
        server: r.server === null ? null : { ...r.server, milliseconds: 0 },
      });
      expect(facts(fromIpc)).toEqual(facts(fromCli));
      expect(fromIpc.cardService).toMatchObject({
        mock: true,
        readers: [{ card: { kind: 'piv', cardId: GUID, locked: true } }],
      });
      expect(fromIpc.server).toMatchObject({ healthy: true, certificate: { trusted: true } });
      // Check again: a second probe of the same server still sees its certificate.
      const again = await dispatchInvoke(runtime.handlers, 'app:get-diagnostics', {});
      expect(again).toMatchObject({
        ok: true,
        value: {
          server: { certificate: { fingerprint256: fromIpc.server?.certificate?.fingerprint256 } },
        },
      });
      expectNoSecret(fromIpc, Object.values(profile.keys));
      for (const secret of secrets(Object.values(profile.keys))) {
        expect(JSON.stringify(records)).not.toContain(secret);
      }
    } finally {
      await runtime.close();
    }
  });
});
