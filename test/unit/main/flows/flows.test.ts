import { describe, expect, it } from 'vitest';
import { FlowRunner } from '../../../../src/main/flows/flow-runner';
import { flowStepLists } from '../../../../src/main/flows/flows';
import { createMemoryLogger } from '../../../../src/main/logging/logger';
import { ok } from '../../../../src/shared/result';
import { FakePivCard } from '../../../support/fake-piv-card';
import { EMAIL, fakeServerClient, MOBILE } from '../../../support/fake-server-client';
import type { Contact } from '../../../../src/shared/http-api';
import { IPC_INVOKE } from '../../../../src/shared/ipc-contract';

describe('the flows as lists of steps', () => {
  it('reports every list in a shape the contract accepts', () => {
    const lists = flowStepLists();
    expect(IPC_INVOKE['flow:get-steps'].response.parse(lists)).toEqual(lists);
  });

  it('lists the unlock as Start, the questions after the holder confirms, where the code goes, the code, the desk approval, the new passcode', () => {
    const unlock = flowStepLists().find((list) => list.flow === 'unlock');
    expect(unlock?.done).toBe('unlock-done');
    expect(unlock?.steps).toEqual([
      { view: null, input: 'none', confirmHolder: false, progress: 'reading-card' },
      {
        view: 'unlock-questions',
        input: 'none',
        confirmHolder: true,
        progress: 'checking-answers',
      },
      // Where the code goes: the first screen after the proof under code-only, so it confirms too.
      { view: 'unlock-channel', input: 'none', confirmHolder: true, progress: 'sending-code' },
      { view: 'unlock-code', input: 'none', confirmHolder: false, progress: 'checking-code' },
      // The desk's approval, which may stand in for the questions and the code (ADR 0025).
      { view: 'unlock-approval', input: 'none', confirmHolder: false, progress: 'asking-desk' },
      {
        view: 'unlock-new-passcode',
        input: 'none',
        confirmHolder: false,
        progress: 'unlocking-card',
      },
    ]);
  });

  it('lists the registration as the passcode log-in, the chosen questions, the code', () => {
    const register = flowStepLists().find((list) => list.flow === 'register');
    expect(register?.done).toBe('register-done');
    expect(register?.steps.map((step) => [step.view, step.input])).toEqual([
      [null, 'passcode'],
      ['register-questions', 'none'],
      ['register-code', 'none'],
    ]);
  });

  it('lists the change of passcode as a card read, then the passcodes on the card, with no server', () => {
    const change = flowStepLists().find((list) => list.flow === 'change');
    expect(change?.done).toBe('change-done');
    expect(change?.steps).toEqual([
      { view: null, input: 'none', confirmHolder: false, progress: 'reading-card' },
      {
        view: 'change-passcode',
        input: 'none',
        confirmHolder: false,
        progress: 'changing-passcode',
      },
    ]);
  });

  it('lists the forgotten passcode exactly as the unlock: the same server steps', () => {
    const lists = flowStepLists();
    const unlock = lists.find((list) => list.flow === 'unlock');
    const forgotten = lists.find((list) => list.flow === 'forgotten');
    expect(forgotten).toEqual({ ...unlock, flow: 'forgotten' });
  });
});

describe('the forgotten passcode, run', () => {
  const cardId = 'c0ffee00c0ffee00c0ffee00c0ffee00';
  const answers = { q1: 'Ford Escort', q2: '0121 496 0000' };
  const typed = Object.entries(answers).map(([questionId, answer]) => ({ questionId, answer }));
  function setup(pinTries: number, contacts?: readonly Contact[]) {
    const card = new FakePivCard(cardId, { pin: '11112222', puk: '87654321', pinTries });
    const server = fakeServerClient({
      code: 'K7QX4M2P',
      answers,
      authorisation: { puk: '87654321', unconfirmedPuk: null, nextPuk: '13572468' },
      ...(contacts === undefined ? {} : { contacts }),
    });
    const runner = new FlowRunner({
      cards: { open: () => Promise.resolve(ok({ card, close: () => Promise.resolve() })) },
      server: server.client,
      logger: createMemoryLogger().logger,
      passcodePolicy: 'printable-4-8',
      onView: () => undefined,
    });
    return { card, server, runner };
  }

  it('when the card has one try left, then the unlock verification resets it through the PUK without a guess', async () => {
    const t = setup(1);
    expect(await t.runner.forgottenStart()).toMatchObject({ value: { kind: 'unlock-questions' } });
    expect(await t.runner.forgottenAnswer(typed)).toMatchObject({ value: { kind: 'unlock-code' } });
    await t.runner.forgottenSubmitCode('K7QX4M2P');
    expect(await t.runner.forgottenSetPasscode('N3wPass!', 'N3wPass!')).toMatchObject({
      value: { kind: 'unlock-done' },
    });
    expect(t.card).toMatchObject({ pin: 'N3wPass!', pinTries: 3, puk: '13572468' });
    expect(t.card.commands).not.toContain('changePasscode');
    expect(t.server.calls.map((c) => c.method)).toContain('unlockUnblock');
  });

  it('when the passcode is reset, then the outcome tells the server it was a forgotten passcode', async () => {
    const t = setup(2);
    await t.runner.forgottenStart();
    await t.runner.forgottenAnswer(typed);
    await t.runner.forgottenSubmitCode('K7QX4M2P');
    await t.runner.forgottenSetPasscode('N3wPass!', 'N3wPass!');
    expect(t.server.calls.find((c) => c.method === 'unlockOutcome')?.args[1]).toEqual({
      outcome: 'unlocked',
      pukOnCard: 'next',
      purpose: 'forgotten',
    });
  });

  it('when the reset fails on the card, then the failed outcome names the forgotten passcode too', async () => {
    const t = setup(2);
    await t.runner.forgottenStart();
    await t.runner.forgottenAnswer(typed);
    await t.runner.forgottenSubmitCode('K7QX4M2P');
    t.card.beforeCommand = (command) => {
      if (command === 'resetRetryCounter') t.card.present = false;
    };
    await t.runner.forgottenSetPasscode('N3wPass!', 'N3wPass!');
    expect(t.server.calls.find((c) => c.method === 'unlockOutcome')?.args[1]).toMatchObject({
      outcome: 'failed',
      purpose: 'forgotten',
    });
  });

  it('when the holder has two contacts, then the forgotten passcode offers the choice on its own channel', async () => {
    const t = setup(2, [MOBILE, EMAIL]);
    await t.runner.forgottenStart();
    expect(await t.runner.forgottenAnswer(typed)).toMatchObject({
      value: { kind: 'unlock-channel' },
    });
    expect(await t.runner.unlockSendCode('sms')).toMatchObject({
      ok: false,
      error: { code: 'ATTEMPT_STATE' },
    });
    expect(await t.runner.forgottenSendCode('sms')).toMatchObject({
      value: { kind: 'unlock-code', delivery: { channel: 'sms' } },
    });
  });

  it('when the card is locked, then it is for the unlock: CARD_LOCKED before any attempt', async () => {
    const t = setup(0);
    expect(await t.runner.forgottenStart()).toMatchObject({
      value: { kind: 'failed', error: { code: 'CARD_LOCKED' } },
    });
    expect(t.server.calls).toEqual([]);
  });

  it('when an unlock is under way, then the forgotten passcode actions are refused (each flow its own channels)', async () => {
    const t = setup(0);
    await t.runner.unlockStart();
    expect(await t.runner.forgottenAnswer([])).toMatchObject({
      ok: false,
      error: { code: 'ATTEMPT_STATE' },
    });
  });
});
