import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startBrowserBridge,
  type BrowserBridge,
} from '../../../src/main/browser-bridge/bridge-server';
import type { InvokeHandlers } from '../../../src/main/ipc/dispatch';
import { EventHub } from '../../../src/main/ipc/event-hub';
import { createInvokeHandlers } from '../../../src/main/ipc/handlers/create-handlers';
import { silentLogger } from '../../../src/main/logging/logger';
import { appError } from '../../../src/shared/errors';
import { IPC_EVENTS, IPC_INVOKE } from '../../../src/shared/ipc-contract';
import { wording } from '../../../src/shared/wording';
import { SAMPLE_DIAGNOSTICS_REPORT } from '../../support/sample-diagnostics-report';
import { chromiumForSuite, chromiumPresent } from '../../support/chromium';

const info = {
  version: '0.1.0',
  passcodePolicy: 'printable-4-8',
  mockReader: true,
  development: true,
  help: null,
} as const;
const calls: string[] = [];

function handlers(): InvokeHandlers {
  const view = { kind: 'idle' as const };
  const step = (name: string) => () => {
    calls.push(name);
    return Promise.resolve({
      ok: true as const,
      value: { kind: 'busy' as const, step: 'reading-card' as const },
    });
  };
  return createInvokeHandlers({
    info,
    readers: {
      status: () => ({
        state: 'card-present',
        readers: [{ name: 'Virtual', hasCard: true }],
        selectedReader: 'Virtual',
        mock: true,
      }),
      choose: () => Promise.reject(new Error('unused')),
      refresh: () => Promise.resolve(),
    },
    flows: {
      view: () => view,
      cancel: () => ({ ok: true, value: view }),
      resume: () => Promise.resolve({ ok: true as const, value: view }),
      service: () => Promise.resolve({ ok: false, error: appError('SERVER_UNREACHABLE') }),
      unlockStart: step('unlockStart'),
      unlockAnswer: step('unlockAnswer'),
      unlockSendCode: step('unlockSendCode'),
      unlockResendCode: step('unlockResendCode'),
      unlockSubmitCode: step('unlockSubmitCode'),
      unlockSetPasscode: step('unlockSetPasscode'),
      unlockAskDesk: step('unlockAskDesk'),
      registerStart: step('registerStart'),
      registerAnswer: step('registerAnswer'),
      registerResendCode: step('registerResendCode'),
      registerSubmitCode: step('registerSubmitCode'),
      forgottenStart: step('forgottenStart'),
      forgottenAnswer: step('forgottenAnswer'),
      forgottenSendCode: step('forgottenSendCode'),
      forgottenResendCode: step('forgottenResendCode'),
      forgottenSubmitCode: step('forgottenSubmitCode'),
      forgottenSetPasscode: step('forgottenSetPasscode'),
      forgottenAskDesk: step('forgottenAskDesk'),
      changeStart: step('changeStart'),
      changeSubmitPasscodes: step('changeSubmitPasscodes'),
    },
    mock: null,
    diagnostics: { collect: () => Promise.resolve(SAMPLE_DIAGNOSTICS_REPORT) },
  });
}

/** A raw HTTP request, so tests can forge Host and Origin as an attacker's page or tool would. */
function raw(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: options.method ?? 'GET', headers: options.headers },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type']) }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const hub = new EventHub();
let bridge: BrowserBridge;
let rendererDir: string;

beforeAll(async () => {
  rendererDir = mkdtempSync(join(tmpdir(), 'renderer-'));
  mkdirSync(join(rendererDir, 'assets'));
  writeFileSync(
    join(rendererDir, 'index.html'),
    '<!doctype html><html><head><title>Smartcard Unlock</title>\n  <script type="module" src="/assets/app.js"></script>\n</head><body><p id="out">waiting</p><label for="answer">Answer</label><input id="answer"></body></html>',
  );
  writeFileSync(
    join(rendererDir, 'assets', 'app.js'),
    `const info = await window.api.appGetInfo({});
     window.api.onFlowViewChanged((view) => { document.getElementById('out').textContent = 'event:' + view.kind; });
     document.getElementById('out').textContent = 'info:' + info.value.version;`,
  );
  bridge = await startBrowserBridge({
    handlers: handlers(),
    events: hub,
    rendererDir,
    logger: silentLogger,
  });
});
afterAll(async () => {
  await bridge.close();
});

/** The status and error code of a refusal. */
const refusal = (response: { status: number; body: string }): [number, unknown] => [
  response.status,
  (JSON.parse(response.body) as { error?: { code?: unknown } }).error?.code,
];

const call = (channel: string, body: unknown, headers: Record<string, string> = {}) =>
  raw(`${bridge.origin}/ipc/${channel}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      origin: bridge.origin,
      authorization: `Bearer ${bridge.token}`,
      ...headers,
    },
    body: JSON.stringify(body),
  });

describe('browser bridge over real HTTP', () => {
  it('prints an address on 127.0.0.1 with the token in the fragment only', () => {
    expect(bridge.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{43}$/);
  });

  it('when the call carries the token from this origin, then it reaches the same handlers', async () => {
    const response = await call('app:get-info', {});
    expect(JSON.parse(response.body)).toEqual({ ok: true, value: info });
  });

  it('when the token is missing or wrong, then the call is refused and nothing runs', async () => {
    calls.length = 0;
    expect(refusal(await call('unlock:start', {}, { authorization: '' }))).toEqual([
      401,
      'BRIDGE_UNAUTHORISED',
    ]);
    expect(
      refusal(await call('unlock:start', {}, { authorization: `Bearer ${'x'.repeat(43)}` })),
    ).toEqual([401, 'BRIDGE_UNAUTHORISED']);
    expect(calls).toEqual([]);
  });

  it('when the Origin is another site or absent, then the call is refused', async () => {
    calls.length = 0;
    expect(refusal(await call('unlock:start', {}, { origin: 'http://evil.example' }))).toEqual([
      403,
      'BRIDGE_ORIGIN_REFUSED',
    ]);
    expect((await call('unlock:start', {}, { origin: 'http://localhost:1' })).status).toBe(403);
    const noOrigin = await raw(`${bridge.origin}/ipc/unlock:start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bridge.token}` },
      body: '{}',
    });
    expect(noOrigin.status).toBe(403);
    expect(calls).toEqual([]);
  });

  it('when the Host is another name (DNS rebinding), then everything is refused', async () => {
    const response = await raw(`${bridge.origin}/`, { headers: { host: 'attacker.example' } });
    expect(refusal(response)).toEqual([421, 'BRIDGE_HOST_REFUSED']);
    expect(refusal(await call('app:get-info', {}, { host: 'attacker.example' }))).toEqual([
      421,
      'BRIDGE_HOST_REFUSED',
    ]);
  });

  it('when a path has a malformed percent-encoding, then it is 400 VALIDATION_FAILED, not a 500', async () => {
    expect(refusal(await raw(`${bridge.origin}/%E0%A4%A`))).toEqual([400, 'VALIDATION_FAILED']);
    calls.length = 0;
    expect(refusal(await call('unlock:start%', {}))).toEqual([400, 'VALIDATION_FAILED']);
    expect(calls).toEqual([]);
  });

  it('when the method or the content type is wrong, then the refusal says so in its code, not INTERNAL', async () => {
    expect(refusal(await raw(`${bridge.origin}/`, { method: 'PUT' }))).toEqual([405, 'NOT_FOUND']);
    expect(refusal(await call('app:get-info', {}, { 'content-type': 'text/plain' }))).toEqual([
      415,
      'VALIDATION_FAILED',
    ]);
  });

  it('when the payload is malformed, then the contract refuses it, as over Electron IPC', async () => {
    calls.length = 0;
    const response = await call('unlock:submit-code', { code: 42 });
    expect(JSON.parse(response.body)).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED' },
    });
    const notJson = await raw(`${bridge.origin}/ipc/unlock:start`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        origin: bridge.origin,
        authorization: `Bearer ${bridge.token}`,
      },
      body: '{',
    });
    expect(notJson.status).toBe(400);
    const deep = await raw(`${bridge.origin}/ipc/unlock:submit-code`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        origin: bridge.origin,
        authorization: `Bearer ${bridge.token}`,
      },
      // 20,000 levels in 40 kB: under the size limit, refused before the parse.
      body: `{"code":${'['.repeat(20_000)}${']'.repeat(20_000)}}`,
    });
    expect([deep.status, JSON.parse(deep.body)]).toMatchObject([
      400,
      { ok: false, error: { code: 'VALIDATION_FAILED' } },
    ]);
    expect((await call('shell:exec', {})).body).toContain('VALIDATION_FAILED');
    expect(calls).toEqual([]);
  });

  it('serves the renderer with the shim injected before its scripts, and the shim as a script file', async () => {
    const page = await raw(`${bridge.origin}/`);
    expect(page.status).toBe(200);
    expect(page.body.indexOf('/bridge/shim.js')).toBeLessThan(page.body.indexOf('/assets/app.js'));
    const shim = await raw(`${bridge.origin}/bridge/shim.js`);
    expect(shim.type).toContain('text/javascript');
    expect(shim.body).toContain('"unlockSetPasscode":"unlock:set-passcode"');
  });

  it('refuses paths outside the renderer folder', async () => {
    expect((await raw(`${bridge.origin}/../../etc/passwd`)).status).toBe(404);
    expect((await raw(`${bridge.origin}/%2e%2e/%2e%2e/etc/passwd`)).status).toBe(404);
  });

  it('when the event stream has the token, then events arrive; without it, it is refused', async () => {
    expect(refusal(await raw(`${bridge.origin}/bridge/events`))).toEqual([
      401,
      'BRIDGE_UNAUTHORISED',
    ]);
    const received = await new Promise<string>((resolve, reject) => {
      const req = request(
        `${bridge.origin}/bridge/events`,
        { headers: { authorization: `Bearer ${bridge.token}` } },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => {
            text += c.toString();
            if (text.includes(': connected'))
              hub.emit('flow:view-changed', { kind: 'busy', step: 'proving-card' });
            if (text.includes('proving-card')) {
              resolve(text);
              req.destroy();
            }
          });
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(received).toContain(
      'event: flow:view-changed\ndata: {"kind":"busy","step":"proving-card"}',
    );
  });
});

const haveChromium = chromiumPresent('bridge');

describe.skipIf(!haveChromium)('browser bridge in Chromium', () => {
  const browser = chromiumForSuite();

  it('gives the page the same window.api: calls work under the strict CSP, events arrive, and the token leaves the address bar', async () => {
    const page = await browser().newPage();
    await page.goto(bridge.url);
    await expect.poll(() => page.textContent('#out')).toBe('info:0.1.0');
    expect(page.url()).not.toContain('token');
    await expect
      .poll(async () => {
        hub.emit('flow:view-changed', { kind: 'idle' });
        return page.textContent('#out');
      })
      .toBe('event:idle');
    const keys = await page.evaluate(
      () => Object.keys((window as unknown as { api: object }).api).length,
    );
    expect(keys).toBe(Object.keys(IPC_INVOKE).length + Object.keys(IPC_EVENTS).length);
    await page.close();
  });

  it('when the address has no token (a new tab, a bookmark), then a page says what to do instead of the app', async () => {
    const page = await browser().newPage();
    await page.goto(bridge.origin + '/');
    await page.waitForURL(`${bridge.origin}/bridge/connect`);
    const words = wording().bridgeConnect;
    expect(await page.locator('h1').innerText()).toBe(words.heading);
    expect(await page.locator('main').innerText()).toContain('#token=');
    expect(await page.locator('#out').count()).toBe(0);
    await page.close();
  });

  it('when the token is from an earlier run, then the page goes to the same explanation', async () => {
    const page = await browser().newPage();
    await page.goto(`${bridge.origin}/#token=${'x'.repeat(43)}`);
    await page.waitForURL(`${bridge.origin}/bridge/connect`);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await page.close();
  });

  it('when Back is pressed after the page was used, then the app stays, as it was', async () => {
    const page = await browser().newPage();
    await page.goto(bridge.url);
    await expect.poll(() => page.textContent('#out')).toBe('info:0.1.0');
    await page.locator('#answer').click();
    await page.goBack();
    expect(page.url()).toBe(`${bridge.origin}/`);
    expect(await page.textContent('#out')).toBe('info:0.1.0');
    // And again: each Back after the holder acts again stays in the app.
    await page.locator('#answer').click();
    await page.goBack();
    expect(page.url()).toBe(`${bridge.origin}/`);
    await page.close();
  });

  it('when a reload would lose what was typed, then the browser asks first, and staying keeps it', async () => {
    const page = await browser().newPage();
    await page.goto(bridge.url);
    await expect.poll(() => page.textContent('#out')).toBe('info:0.1.0');
    await page.locator('#answer').fill('Ford Escort');
    const asked = page.waitForEvent('dialog');
    const reloading = page.reload().catch(() => undefined);
    const dialog = await asked;
    expect(dialog.type()).toBe('beforeunload');
    await dialog.dismiss();
    expect(await page.locator('#answer').inputValue()).toBe('Ford Escort');
    await page.close();
    await reloading;
  });
});
