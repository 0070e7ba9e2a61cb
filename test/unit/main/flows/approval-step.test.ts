import { describe, expect, it } from 'vitest';
import { FlowRunner } from '../../../../src/main/flows/flow-runner';
import { createMemoryLogger } from '../../../../src/main/logging/logger';
import { appError } from '../../../../src/shared/errors';
import { flowViewSchema, type FlowView } from '../../../../src/shared/ipc-contract';
import { err, ok } from '../../../../src/shared/result';
import { FakePivCard } from '../../../support/fake-piv-card';
import { fakeServerClient } from '../../../support/fake-server-client';

// The desk's approval as a step of the unlock (docs/decisions/0025-assisted-unlock.md): the runner
// asks for a reference, waits on the server while the screen shows it, and goes on by itself.

const cardId = 'c0ffee00c0ffee00c0ffee00c0ffee00';
const newPin = 'N3wPass!';
const answers = { q1: 'Ford Escort', q2: '0121 496 0000' };
const LOCKED = appError('SELF_SERVICE_LOCKED', { assistedUnlock: true });
const AT = '2026-11-28T12:01:00.000Z';

/** Sleeps the test ends by hand: `asleep()` waits until the runner sleeps, `wake()` ends it. */
function handDelay() {
  let sleeping: { ms: number; wake: () => void }[] = [];
  let arrived: () => void = () => undefined;
  return {
    delay: (ms: number) =>
      new Promise<void>((wake) => {
        sleeping.push({ ms, wake });
        arrived();
      }),
    sleeping: () => sleeping.length,
    /** How long the runner sleeps, once it does. */
    async asleep(): Promise<number> {
      if (sleeping.length === 0) await new Promise<void>((resolve) => (arrived = resolve));
      return sleeping.at(-1)!.ms;
    },
    /** Ends every sleep: the runner asks the server again. */
    wake(): void {
      const woken = sleeping;
      sleeping = [];
      for (const sleep of woken) sleep.wake();
    },
  };
}

function setup() {
  const card = new FakePivCard(cardId, { pin: '11112222', puk: '87654321', pinTries: 0 });
  const server = fakeServerClient({
    code: 'K7QX4M2P',
    answers,
    authorisation: { puk: '87654321', unconfirmedPuk: null, nextPuk: '13572468' },
  });
  const views: FlowView[] = [];
  let seen: ((view: FlowView) => void) | undefined;
  const hand = handDelay();
  const runner = new FlowRunner({
    cards: {
      open: () =>
        card.present
          ? Promise.resolve(ok({ card, close: () => Promise.resolve() }))
          : Promise.resolve(err({ code: 'card-absent' as const })),
    },
    server: server.client,
    logger: createMemoryLogger().logger,
    passcodePolicy: 'printable-4-8',
    onView: (view) => {
      views.push(flowViewSchema.parse(view));
      seen?.(view);
    },
    delay: hand.delay,
  });
  /** The next view of this kind the runner shows (from a wait, not an action's answer). */
  const nextView = (kind: FlowView['kind']) =>
    new Promise<FlowView>((resolve) => {
      seen = (view) => {
        if (view.kind === kind) resolve(view);
      };
    });
  const methods = () => server.calls.map((c) => c.method);
  return { card, server, runner, views, hand, nextView, methods };
}

const value = (result: { ok: boolean; value?: FlowView }) => {
  expect(result.ok).toBe(true);
  return result.value!;
};

/** The screen with the reference while the app waits for the desk. */
const WAITING = {
  kind: 'unlock-approval',
  status: 'waiting',
  reference: '4KF-92Q',
  expiresAt: AT,
  referencesLeft: 2,
};

describe('the desk approval step', () => {
  it('when the holder asks the desk from the questions, then the reference shows, the app asks every pollAfterSeconds, and goes on to the new passcode once approved', async () => {
    const t = setup();
    expect(value(await t.runner.unlockStart()).kind).toBe('unlock-questions');
    expect(value(await t.runner.unlockAskDesk())).toEqual(WAITING);
    expect(t.views).toContainEqual({ kind: 'busy', step: 'asking-desk' });
    // Still pending: the screen stays, and the app sleeps again for the time the server says.
    expect(await t.hand.asleep()).toBe(5000);
    t.hand.wake();
    expect(await t.hand.asleep()).toBe(5000);
    t.server.approve();
    const approved = t.nextView('unlock-new-passcode');
    t.hand.wake();
    expect(await approved).toEqual({ kind: 'unlock-new-passcode', policy: 'printable-4-8' });
    expect(value(await t.runner.unlockSetPasscode(newPin, newPin))).toEqual({
      kind: 'unlock-done',
      holderName: 'Mr John Rigby',
    });
    expect(t.card.pin).toBe(newPin);
    expect(t.methods()).toEqual([
      'unlockStart',
      'unlockProof',
      'unlockApproval',
      'unlockApprovalStatus',
      'unlockApprovalStatus',
      'unlockUnblock',
      'unlockOutcome',
    ]);
  });

  it('when the proof finds self-service locked but kept for the desk, then the failure offers the approval, the attempt lives, and Finish cancels it', async () => {
    const t = setup();
    t.server.override('unlockProof', () => err(LOCKED));
    expect(value(await t.runner.unlockStart())).toEqual({
      kind: 'failed',
      error: LOCKED,
      canRetry: false,
      assistedUnlock: true,
    });
    expect(t.methods()).not.toContain('unlockCancel');
    expect(value(await t.runner.unlockAskDesk())).toEqual(WAITING);
    expect(value(t.runner.cancel())).toEqual({ kind: 'idle' });
    await Promise.resolve();
    expect(t.methods()).toContain('unlockCancel');
  });

  it('when the last wrong answers lock self-service and the server keeps the attempt, then the locked-out screen offers the approval', async () => {
    const t = setup();
    t.server.override('unlockAnswers', () => err(LOCKED));
    await t.runner.unlockStart();
    const wrong = [
      { questionId: 'q1', answer: 'no' },
      { questionId: 'q2', answer: 'no' },
    ];
    expect(value(await t.runner.unlockAnswer(wrong))).toMatchObject({
      kind: 'failed',
      assistedUnlock: true,
    });
    expect(value(await t.runner.unlockAskDesk()).kind).toBe('unlock-approval');
  });

  it('when a self-service refusal does not keep the attempt, then it ends as before and the desk cannot be asked', async () => {
    const t = setup();
    t.server.override('unlockProof', () => err(appError('SELF_SERVICE_FROZEN')));
    expect(value(await t.runner.unlockStart())).toMatchObject({ kind: 'failed' });
    expect(value(await t.runner.unlockStart())).not.toHaveProperty('assistedUnlock');
    expect(await t.runner.unlockAskDesk()).toMatchObject({
      ok: false,
      error: { code: 'ATTEMPT_STATE' },
    });
  });

  it('when the reference expires, then the screen says so and a new reference can be asked for', async () => {
    const t = setup();
    await t.runner.unlockStart();
    await t.runner.unlockAskDesk();
    t.server.override('unlockApprovalStatus', () => ok({ status: 'expired', referencesLeft: 1 }));
    const expired = t.nextView('unlock-approval');
    await t.hand.asleep();
    t.hand.wake();
    expect(await expired).toEqual({ ...WAITING, status: 'expired', referencesLeft: 1 });
    expect(t.hand.sleeping()).toBe(0);
    expect(value(await t.runner.unlockAskDesk())).toEqual(WAITING);
    expect(t.methods().filter((m) => m === 'unlockApproval')).toHaveLength(2);
  });

  it('when the server cannot be reached for a moment, then the app keeps waiting; when the attempt has ended, it says so', async () => {
    const t = setup();
    await t.runner.unlockStart();
    await t.runner.unlockAskDesk();
    t.server.override('unlockApprovalStatus', () => err(appError('SERVER_UNREACHABLE')));
    await t.hand.asleep();
    t.hand.wake();
    // Asked, refused for now, and asleep again: the screen has not moved.
    await t.hand.asleep();
    expect(t.runner.view()).toEqual(WAITING);
    t.server.override('unlockApprovalStatus', () => err(appError('ATTEMPT_EXPIRED')));
    const failed = t.nextView('failed');
    t.hand.wake();
    expect(await failed).toMatchObject({ error: { code: 'ATTEMPT_EXPIRED' }, canRetry: true });
  });

  it('when the card is pulled while the app waits, then the wait stops at once, and the same card back resumes it to the approval', async () => {
    const t = setup();
    await t.runner.unlockStart();
    await t.runner.unlockAskDesk();
    await t.hand.asleep();
    t.card.present = false;
    t.runner.cardRemoved();
    expect(t.runner.view()).toEqual({ kind: 'reinsert-card' });
    // The sleeper was woken by the pause and asked nothing.
    expect(t.methods()).not.toContain('unlockApprovalStatus');
    t.server.approve();
    t.card.present = true;
    expect(value(await t.runner.resume())).toEqual(WAITING);
    const approved = t.nextView('unlock-new-passcode');
    await t.hand.asleep();
    t.hand.wake();
    expect((await approved).kind).toBe('unlock-new-passcode');
    expect(t.methods().filter((m) => m === 'unlockApprovalStatus')).toHaveLength(1);
  });

  it('when the server refuses a reference for good, then the flow fails; for a moment, the screen the holder was on shows why', async () => {
    const t = setup();
    await t.runner.unlockStart();
    t.server.override('unlockApproval', () => err(appError('SERVER_UNREACHABLE')));
    expect(value(await t.runner.unlockAskDesk())).toMatchObject({
      kind: 'unlock-questions',
      error: { code: 'SERVER_UNREACHABLE' },
    });
    t.server.override('unlockApproval', () => err(appError('APPROVAL_LIMIT')));
    expect(value(await t.runner.unlockAskDesk())).toMatchObject({
      kind: 'failed',
      error: { code: 'APPROVAL_LIMIT' },
    });
  });
});
