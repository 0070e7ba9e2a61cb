import { describe, expect, it } from 'vitest';
import { createAppServices } from '../../../src/main/app-services';
import { MemoryCardStore } from '../../../src/main/card/virtual/card-store';
import { MockReaderBackend } from '../../../src/main/card/virtual/mock-reader-backend';
import { completeProfile, parseProfile } from '../../../src/main/card/virtual/profile';
import { VirtualPivCard } from '../../../src/main/card/virtual/virtual-piv-card';
import { dispatchInvoke } from '../../../src/main/ipc/dispatch';
import { createMemoryLogger } from '../../../src/main/logging/logger';
import { loadSettings } from '../../../src/main/settings/load-settings';
import { ok } from '../../../src/shared/result';
import { fakeServerClient } from '../../support/fake-server-client';

const noFiles = { machineFile: '/nonexistent/m.json', userFile: '/nonexistent/u.json', env: {} };

function virtualCard(pinTriesLeft: number) {
  const parsed = parseProfile({
    guid: 'ab'.repeat(16),
    holderName: 'Mr John Rigby',
    pin: '123456',
    puk: '12345678',
    pinTriesLeft,
    pukTriesLeft: 3,
  });
  if (!parsed.ok) throw new Error(parsed.error.message);
  return new VirtualPivCard(completeProfile(parsed.value).profile, new MemoryCardStore());
}

async function mockApp(pinTriesLeft = 0) {
  const backend = new MockReaderBackend(virtualCard(pinTriesLeft));
  const server = fakeServerClient({
    code: 'ABCD2345',
    answers: { q1: 'a' },
    authorisation: { puk: '12345678', unconfirmedPuk: null, nextPuk: '87654321' },
  });
  const runtime = await createAppServices({
    settings: loadSettings({ ...noFiles, argv: ['--mock-reader'] }),
    version: '9.9.9',
    logger: createMemoryLogger().logger,
    openReaders: () => Promise.resolve(ok({ backend, mock: backend })),
    server: server.client,
  });
  const events: unknown[] = [];
  runtime.events.subscribe((channel, payload) => events.push([channel, payload]));
  return { runtime, backend, server, events };
}

describe('app services', () => {
  it('when a setting is bad, then every flow shows SETTINGS_INVALID naming it instead of starting', async () => {
    const runtime = await createAppServices({
      settings: loadSettings({
        ...noFiles,
        env: { SMARTCARD_UNLOCK_PASSCODE_POLICY: 'nope' },
        argv: [],
      }),
      version: '9.9.9',
      logger: createMemoryLogger().logger,
      openReaders: () => Promise.reject(new Error('must not open readers')),
    });
    expect(runtime.startupError).toMatchObject({
      code: 'SETTINGS_INVALID',
      details: {
        field: 'passcodePolicy',
        source: 'the environment variable SMARTCARD_UNLOCK_PASSCODE_POLICY',
      },
    });
    expect(await dispatchInvoke(runtime.handlers, 'unlock:start', {})).toMatchObject({
      ok: true,
      value: { kind: 'failed', error: { code: 'SETTINGS_INVALID' }, canRetry: false },
    });
  });

  it('in mock reader mode, shows the virtual card and reports what the app is', async () => {
    const { runtime } = await mockApp();
    expect(await dispatchInvoke(runtime.handlers, 'app:get-info', {})).toEqual({
      ok: true,
      value: {
        version: '9.9.9',
        passcodePolicy: 'printable-4-8',
        mockReader: true,
        development: false,
      },
    });
    expect(await dispatchInvoke(runtime.handlers, 'reader:get-status', {})).toMatchObject({
      value: { state: 'card-present', mock: true },
    });
  });

  it('when the development panel removes the card during an attempt, then the flow ends with CARD_REMOVED and both events go out', async () => {
    const { runtime, server, events } = await mockApp();
    expect(await dispatchInvoke(runtime.handlers, 'unlock:start', {})).toMatchObject({
      value: { kind: 'unlock-questions', holderName: 'Mr John Rigby' },
    });
    expect(
      await dispatchInvoke(runtime.handlers, 'mock:control', { action: 'remove' }),
    ).toMatchObject({
      value: { state: 'no-card' },
    });
    expect(await dispatchInvoke(runtime.handlers, 'flow:get-view', {})).toMatchObject({
      value: { kind: 'failed', error: { code: 'CARD_REMOVED' } },
    });
    expect(server.calls.at(-1)?.method).toBe('unlockCancel');
    expect(events).toContainEqual([
      'reader:status-changed',
      expect.objectContaining({ state: 'no-card' }),
    ]);
    expect(events).toContainEqual([
      'flow:view-changed',
      expect.objectContaining({ kind: 'failed' }),
    ]);
  });

  it('when the development panel locks an unlocked card, then the unlock can start', async () => {
    const { runtime } = await mockApp(3);
    expect(await dispatchInvoke(runtime.handlers, 'unlock:start', {})).toMatchObject({
      value: { error: { code: 'CARD_NOT_LOCKED' } },
    });
    await dispatchInvoke(runtime.handlers, 'mock:control', { action: 'lock' });
    expect(await dispatchInvoke(runtime.handlers, 'unlock:start', {})).toMatchObject({
      value: { kind: 'unlock-questions' },
    });
  });
});
