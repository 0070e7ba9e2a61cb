import { describe, expect, it } from 'vitest';
import { createAppServices } from '../../../src/main/app-services';
import { MemoryCardStore } from '../../../src/main/card/virtual/card-store';
import { MockReaderBackend } from '../../../src/main/card/virtual/mock-reader-backend';
import { completeProfile, parseProfile } from '../../../src/main/card/virtual/profile';
import { VirtualPivCard } from '../../../src/main/card/virtual/virtual-piv-card';
import { dispatchInvoke } from '../../../src/main/ipc/dispatch';
import { createMemoryLogger } from '../../../src/main/logging/logger';
import { loadSettings } from '../../../src/main/settings/load-settings';
import { appError } from '../../../src/shared/errors';
import { err, ok } from '../../../src/shared/result';
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

async function mockApp(pinTriesLeft = 0, argv: readonly string[] = ['--mock-reader']) {
  const backend = new MockReaderBackend(virtualCard(pinTriesLeft));
  const server = fakeServerClient({
    code: 'ABCD2345',
    answers: { q1: 'a' },
    authorisation: { puk: '12345678', unconfirmedPuk: null, nextPuk: '87654321' },
  });
  const runtime = await createAppServices({
    settings: loadSettings({ ...noFiles, argv }),
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
    // The desk is not known either: the screens name it without a number, not the demo's.
    expect(await dispatchInvoke(runtime.handlers, 'app:get-info', {})).toMatchObject({
      ok: true,
      value: { help: null },
    });
  });

  it('when the settings name a desk, then the screens are told it', async () => {
    const runtime = await createAppServices({
      settings: loadSettings({
        ...noFiles,
        argv: ['--help-phone=0121 496 0000', '--help-walk-in=the IT office in Block B'],
      }),
      version: '9.9.9',
      logger: createMemoryLogger().logger,
      openReaders: () => Promise.resolve(err(appError('CARD_SUPPORT_MISSING'))),
    });
    expect(await dispatchInvoke(runtime.handlers, 'app:get-info', {})).toMatchObject({
      ok: true,
      value: { help: { phone: '0121 496 0000', walkIn: 'the IT office in Block B' } },
    });
  });

  it('when no reader backend can be opened, then every flow shows why, with no Retry, and diagnostics still answer', async () => {
    const runtime = await createAppServices({
      settings: loadSettings({ ...noFiles, argv: [] }),
      version: '9.9.9',
      logger: createMemoryLogger().logger,
      openReaders: () => Promise.resolve(err(appError('CARD_SUPPORT_MISSING'))),
    });
    expect(runtime.startupError).toMatchObject({ code: 'CARD_SUPPORT_MISSING' });
    const view = await dispatchInvoke(runtime.handlers, 'flow:get-view', {});
    expect(view).toMatchObject({
      ok: true,
      value: { kind: 'failed', error: { code: 'CARD_SUPPORT_MISSING' }, canRetry: false },
    });
    // Not the "wait, it updates by itself" of a stopped card service: it says whom to call.
    const shown = JSON.stringify(view);
    expect(shown).toContain('x4050');
    expect(shown).not.toContain('updates by itself');
    expect(await dispatchInvoke(runtime.handlers, 'app:get-info', {})).toMatchObject({ ok: true });
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
        help: { phone: 'x4050', walkIn: 'the IT walk in centres at City or Sandwell site' },
      },
    });
    expect(await dispatchInvoke(runtime.handlers, 'reader:get-status', {})).toMatchObject({
      value: { state: 'card-present', mock: true },
    });
  });

  it('when the development panel removes the card during an attempt, then the attempt waits for it, both events go out, and Continue resumes it once it is back', async () => {
    const { runtime, server, events } = await mockApp();
    expect(await dispatchInvoke(runtime.handlers, 'unlock:start', {})).toMatchObject({
      value: { kind: 'unlock-questions', holderName: 'Mr John Rigby' },
    });
    expect(
      await dispatchInvoke(runtime.handlers, 'mock:control', { action: 'remove' }),
    ).toMatchObject({
      value: { state: 'no-card' },
    });
    expect(await dispatchInvoke(runtime.handlers, 'flow:get-view', {})).toEqual({
      ok: true,
      value: { kind: 'reinsert-card' },
    });
    expect(server.calls.map((c) => c.method)).not.toContain('unlockCancel');
    expect(events).toContainEqual([
      'reader:status-changed',
      expect.objectContaining({ state: 'no-card' }),
    ]);
    expect(events).toContainEqual(['flow:view-changed', { kind: 'reinsert-card' }]);
    await dispatchInvoke(runtime.handlers, 'mock:control', { action: 'insert' });
    expect(await dispatchInvoke(runtime.handlers, 'flow:resume', {})).toMatchObject({
      value: { kind: 'unlock-questions', holderName: 'Mr John Rigby' },
    });
    expect(server.calls.filter((c) => c.method === 'unlockStart')).toHaveLength(1);
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

  it("when diagnostics are asked for, then the report reads the card through the app's own reader, and leaves it working", async () => {
    // Port 9 (discard) refuses at once: the server check fails fast and says so.
    const { runtime } = await mockApp(0, ['--mock-reader', '--server-url=http://127.0.0.1:9']);
    const result = await dispatchInvoke(runtime.handlers, 'app:get-diagnostics', {});
    expect(result).toMatchObject({
      ok: true,
      value: {
        app: { version: '9.9.9' },
        cardService: {
          state: 'running',
          mock: true,
          readers: [
            { hasCard: true, card: { kind: 'piv', cardId: 'ab'.repeat(16), locked: true } },
          ],
        },
        server: { url: 'http://127.0.0.1:9', reachable: false },
      },
    });
    expect(JSON.stringify(result)).toContain(
      '"name":"mockReader","value":"true","source":"the command-line flag --mock-reader"',
    );
    // The lent backend was not closed: the unlock still reads the card.
    expect(await dispatchInvoke(runtime.handlers, 'unlock:start', {})).toMatchObject({
      value: { kind: 'unlock-questions' },
    });
  });

  it('when a step is using the card, then diagnostics list the card as in use without sending it anything', async () => {
    const { runtime, server } = await mockApp(0, [
      '--mock-reader',
      '--server-url=http://127.0.0.1:9',
    ]);
    let answerProof: (value: unknown) => void = () => undefined;
    server.override(
      'unlockProof',
      () => new Promise((resolve) => (answerProof = resolve)) as never,
    );
    const step = dispatchInvoke(runtime.handlers, 'unlock:start', {});
    await expect
      .poll(
        async () =>
          (await dispatchInvoke(runtime.handlers, 'flow:get-view', {})).ok &&
          server.calls.some((c) => c.method === 'unlockProof'),
      )
      .toBe(true);
    const during = await dispatchInvoke(runtime.handlers, 'app:get-diagnostics', {});
    expect(during).toMatchObject({
      value: { cardService: { readers: [{ hasCard: true, card: { kind: 'in-use' } }] } },
    });
    answerProof({
      ok: true,
      value: {
        holderName: 'Mr John Rigby',
        verification: 'questions-and-code',
        steps: ['answers', 'code'],
        contacts: [{ channel: 'email', maskedAddress: 'j****y@nhs.net' }],
        questions: [{ id: 'q1', text: 'Q?' }],
        answerTriesLeft: 3,
      },
    });
    expect(await step).toMatchObject({ value: { kind: 'unlock-questions' } });
    const after = await dispatchInvoke(runtime.handlers, 'app:get-diagnostics', {});
    expect(after).toMatchObject({
      value: { cardService: { readers: [{ card: { kind: 'piv', locked: true } }] } },
    });
  });
});
