import { describe, expect, it } from 'vitest';
import { FlowRunner } from '../../../../src/main/flows/flow-runner';
import { createMemoryLogger } from '../../../../src/main/logging/logger';
import { appError } from '../../../../src/shared/errors';
import type { FlowView } from '../../../../src/shared/ipc-contract';
import { err, ok } from '../../../../src/shared/result';
import { FakePivCard } from '../../../support/fake-piv-card';
import { fakeServerClient } from '../../../support/fake-server-client';

const cardId = 'c0ffee00c0ffee00c0ffee00c0ffee00';
const current = '11112222';
const next = 'N3wPass!';

function setup(pinTries = 3) {
  const card = new FakePivCard(cardId, { pin: current, puk: '87654321', pinTries });
  const server = fakeServerClient({
    code: 'K7QX4M2P',
    answers: {},
    authorisation: { puk: '87654321', unconfirmedPuk: null, nextPuk: '13572468' },
  });
  const views: FlowView[] = [];
  const { logger, records } = createMemoryLogger();
  const runner = new FlowRunner({
    cards: {
      open: () =>
        Promise.resolve(
          card.present
            ? ok({ card, close: () => Promise.resolve() })
            : err({ code: 'card-absent' as const }),
        ),
    },
    server: server.client,
    logger,
    passcodePolicy: 'printable-4-8',
    onView: (view) => views.push(view),
  });
  return { card, server, views, records, runner };
}

const value = (result: { ok: boolean; value?: FlowView }) => {
  expect(result.ok).toBe(true);
  return result.value!;
};
const submit = (
  t: ReturnType<typeof setup>,
  passcode = current,
  spendLastTry = false,
  confirmation = next,
) =>
  t.runner.changeSubmitPasscodes({ current: passcode, passcode: next, confirmation, spendLastTry });

describe('change of passcode: the steps on the card', () => {
  it('when the current passcode is right, then the card holds the new one, with no server call and no secret in logs or views', async () => {
    const t = setup();
    expect(value(await t.runner.changeStart())).toEqual({
      kind: 'change-passcode',
      policy: 'printable-4-8',
      triesLeft: 3,
    });
    expect(value(await submit(t))).toEqual({ kind: 'change-done' });
    expect(t.card.pin).toBe(next);
    expect(t.server.calls).toEqual([]);
    expect(t.views).toContainEqual({ kind: 'busy', step: 'changing-passcode' });
    const everything = JSON.stringify([t.records, t.views]);
    expect(everything).not.toContain(current);
    expect(everything).not.toContain(next);
  });

  it('when the current passcode is wrong, then the form says how many tries are left', async () => {
    const t = setup();
    await t.runner.changeStart();
    expect(value(await submit(t, '99999999'))).toEqual({
      kind: 'change-passcode',
      policy: 'printable-4-8',
      triesLeft: 2,
      error: appError('PASSCODE_WRONG', { triesLeft: 2 }),
    });
    expect(t.card.pin).toBe(current);
  });

  it('when one try is left and the holder has not agreed to spend it, then nothing reaches the card', async () => {
    const t = setup(1);
    expect(value(await t.runner.changeStart())).toMatchObject({ triesLeft: 1 });
    expect(value(await submit(t, '99999999'))).toEqual({
      kind: 'change-passcode',
      policy: 'printable-4-8',
      triesLeft: 1,
      error: appError('VALIDATION_FAILED', { field: 'spendLastTry', triesLeft: 1 }),
    });
    expect(t.card.pinTries).toBe(1);
  });

  it('when one try is left and the holder agreed, then a wrong passcode locks the card (CARD_LOCKED)', async () => {
    const t = setup(1);
    await t.runner.changeStart();
    expect(value(await submit(t, '99999999', true))).toMatchObject({
      kind: 'failed',
      error: { code: 'CARD_LOCKED' },
      canRetry: false,
    });
    expect(t.card.pinTries).toBe(0);
  });

  it('when one try is left and the holder agreed with the right passcode, then it changes and the tries reset', async () => {
    const t = setup(1);
    await t.runner.changeStart();
    expect(value(await submit(t, current, true))).toEqual({ kind: 'change-done' });
    expect(t.card.pinTries).toBe(3);
  });

  it('when the card is locked, then CARD_LOCKED at once and no passcode is sent', async () => {
    const t = setup(0);
    expect(value(await t.runner.changeStart())).toMatchObject({
      kind: 'failed',
      error: { code: 'CARD_LOCKED' },
    });
    expect(t.card.commands).not.toContain('changePasscode');
  });

  it('when the new passcodes break the policy or differ, then the form says which box, and the card is not touched', async () => {
    const t = setup();
    await t.runner.changeStart();
    const differ = await t.runner.changeSubmitPasscodes({
      current,
      passcode: next,
      confirmation: 'Other12!',
      spendLastTry: false,
    });
    expect(value(differ)).toMatchObject({ error: { details: { field: 'confirmation' } } });
    const short = await t.runner.changeSubmitPasscodes({
      current,
      passcode: 'ab',
      confirmation: 'ab',
      spendLastTry: false,
    });
    expect(value(short)).toMatchObject({ error: { details: { field: 'passcode' } } });
    expect(t.card.commands).not.toContain('changePasscode');
  });

  it('when the current passcode could never be a card passcode, then it is refused before anything changes', async () => {
    const t = setup();
    await t.runner.changeStart();
    expect(await submit(t, '')).toEqual(err(appError('VALIDATION_FAILED', { field: 'current' })));
  });

  it('when the card is swapped before the change, then CARD_REMOVED and the other card is not touched', async () => {
    const t = setup();
    await t.runner.changeStart();
    t.card.beforeCommand = (command) => {
      if (command === 'changePasscode') t.card.present = false;
    };
    expect(value(await submit(t))).toMatchObject({
      kind: 'failed',
      error: { code: 'CARD_REMOVED' },
    });
    expect(t.card.pin).toBe(current);
  });

  it('when the card is pulled while the form is shown, then CARD_REMOVED with Retry; Cancel returns to idle', async () => {
    const t = setup();
    await t.runner.changeStart();
    t.runner.cardRemoved();
    expect(t.runner.view()).toEqual({
      kind: 'failed',
      error: appError('CARD_REMOVED'),
      canRetry: true,
    });
    expect(t.runner.cancel()).toEqual(ok({ kind: 'idle' }));
  });
});
