import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  demoSettings,
  demoSettingsEnvironment,
  demoSettingsInputs,
  startBrowserMode,
  type BrowserMode,
} from '../../../scripts/browser-mode';
import { startEmbeddedDemo, type EmbeddedDemo } from '../../../scripts/embedded-demo';
import { createApp } from '../../../server/app';
import { createServices, serverCoreSettingsSchema } from '../../../server/create-services';
import type { ServerCore } from '../../../server/domain/ports';
import { httpSettingsSchema } from '../../../server/http/settings';
import { listen, type RunningServer } from '../../../server/http/server';
import { silentLogger } from '../../../src/main/logging/logger';
import { openReaders } from '../../../src/main/reader/open-readers';
import { loadSettings } from '../../../src/main/settings/load-settings';
import { diagnosticsReportSchema } from '../../../src/shared/diagnostics-report-schema';
import { ok } from '../../../src/shared/result';
import { makeTestCertificate } from '../../unit/server/config/test-certificate';

// Issue 16 item 11: browser mode on this computer's settings (`--configured`) reaches the
// configured server through its pinned CA, and the demo still starts beside a machine-wide file.

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'scu-browser-mode-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Calls a contract channel over the bridge, as the page's shim does. */
async function invoke(mode: BrowserMode, channel: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${mode.bridge.origin}/ipc/${channel}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      origin: mode.bridge.origin,
      authorization: `Bearer ${mode.bridge.token}`,
    },
    body: JSON.stringify(body),
  });
  return res.json();
}

/** The diagnostics report the page's About screen would show. */
async function diagnostics(mode: BrowserMode) {
  const result = (await invoke(mode, 'app:get-diagnostics', {})) as { ok: boolean; value: unknown };
  expect(result.ok).toBe(true);
  return diagnosticsReportSchema.parse(result.value);
}

describe('browser mode with --configured, against a server this computer is set up for', () => {
  let core: ServerCore;
  let server: RunningServer;
  let mode: BrowserMode;
  let machineFile: string;

  beforeAll(async () => {
    const tls = makeTestCertificate(dir);
    core = await createServices(
      serverCoreSettingsSchema.parse({
        storage: { kind: 'sqlite', file: join(dir, 'server.sqlite') },
        mail: { kind: 'outbox', dir: join(dir, 'outbox') },
        keys: {
          keyEncryptionKeys: { main: randomBytes(32).toString('base64') },
          activeKeyId: 'main',
          answerPepper: randomBytes(32).toString('base64'),
        },
      }),
    );
    server = await listen(
      createApp({
        services: core,
        logger: pino({ level: 'silent' }),
        http: httpSettingsSchema.parse({}),
      }),
      {
        host: '127.0.0.1',
        port: 0,
        tls: { ...tls, cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) },
      },
    );
    // What IT deploys: the server's https address and its pinned CA, machine-wide.
    machineFile = join(dir, 'machine-config.json');
    writeFileSync(
      machineFile,
      JSON.stringify({ serverUrl: server.url, caCertificateFile: tls.certFile }),
    );
    const userFile = join(dir, 'user-config.json');
    writeFileSync(userFile, JSON.stringify({ mockReader: true }));
    mode = await startBrowserMode({
      settings: loadSettings({
        machineFile,
        userFile,
        env: {},
        argv: ['scripts/start.ts', '--browser', '--configured'],
      }),
      openReaders: (s) =>
        openReaders(s, {
          defaultMockProfilePath: join(dir, 'mock-card.json'),
          logger: silentLogger,
        }),
      rendererDir: join(dir, 'renderer'),
      version: '1.0.0',
      logger: silentLogger,
    });
  });
  afterAll(async () => {
    await mode?.close();
    await server?.close(1000);
    await core?.close();
  });

  it('when the page asks for diagnostics, then it reports the configured server, trusted through the pinned CA', async () => {
    expect(mode.runtime.startupError).toBeNull();
    const report = await diagnostics(mode);
    expect(report.settings.values).toContainEqual({
      name: 'serverUrl',
      value: server.url,
      source: `the machine-wide settings file ${machineFile}`,
    });
    expect(report.server).toMatchObject({
      url: server.url,
      healthy: true,
      certificate: { trusted: true },
    });
  });

  it('when a registration starts, then the flow reaches the configured server over TLS, which refuses the card it does not know', async () => {
    // The default mock card's passcode; the server has never enrolled it.
    const view = await invoke(mode, 'register:start', { passcode: '123456' });
    expect(view).toMatchObject({
      ok: true,
      value: { kind: 'failed', error: { code: 'PROOF_INVALID' } },
    });
  });
});

describe('the demo in browser mode beside a machine-wide settings file', () => {
  let demo: EmbeddedDemo;
  let mode: BrowserMode;
  let machineFile: string;

  beforeAll(async () => {
    // A workstation's real settings: an https server with a pinned CA. The demo is plain HTTP.
    const ca = makeTestCertificate(dir, 'workstation-ca');
    machineFile = join(dir, 'workstation-config.json');
    writeFileSync(
      machineFile,
      JSON.stringify({
        serverUrl: 'https://smartcard-unlock.example.nhs.uk',
        caCertificateFile: ca.certFile,
      }),
    );
    demo = await startEmbeddedDemo(join(dir, 'demo-root'));
    const computer = {
      machineFile,
      userFile: join(dir, 'no-user-config.json'),
      env: {},
      argv: [],
    };
    mode = await startBrowserMode({
      settings: loadSettings(demoSettingsInputs(demoSettings(demo), computer)),
      openReaders: () => Promise.resolve(ok({ backend: demo.backend, mock: demo.backend })),
      rendererDir: join(dir, 'renderer'),
      version: '1.0.0',
      logger: silentLogger,
    });
  });
  afterAll(async () => {
    await mode?.close();
    await demo?.close();
  });

  it('when the machine-wide file pins a CA for an https server, then the demo still runs on its own server', async () => {
    expect(mode.runtime.startupError).toBeNull();
    const report = await diagnostics(mode);
    expect(report.settings.values).toContainEqual({
      name: 'serverUrl',
      value: demo.serverUrl,
      source: 'the command-line flag --server-url',
    });
    expect(report.settings.values).toContainEqual({
      name: 'caCertificateFile',
      value: '(not set)',
      source: 'the command-line flag --ca-certificate-file',
    });
    expect(report.server).toMatchObject({ url: demo.serverUrl, healthy: true });
  });

  it('when the demo holder starts an unlock, then the locked demo card reaches its questions', async () => {
    const view = await invoke(mode, 'unlock:start', {});
    expect(view).toMatchObject({ ok: true, value: { kind: 'unlock-questions' } });
  });

  it('when the demo runs under Electron, then the same values go as variables, the pinned CA cleared', () => {
    expect(demoSettingsEnvironment(demoSettings(demo))).toMatchObject({
      SMARTCARD_UNLOCK_SERVER_URL: demo.serverUrl,
      SMARTCARD_UNLOCK_CA_CERTIFICATE_FILE: '',
      SMARTCARD_UNLOCK_MOCK_READER: 'true',
    });
    const electron = loadSettings({
      machineFile,
      userFile: join(dir, 'no-user-config.json'),
      env: demoSettingsEnvironment(demoSettings(demo)),
      argv: [],
    });
    expect(electron.ok && electron.value.settings).toMatchObject({
      serverUrl: demo.serverUrl,
      caCertificateFile: null,
      mockReader: true,
    });
  });
});
