import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FlowRunner } from '../../../../src/main/flows/flow-runner';
import { createMemoryLogger } from '../../../../src/main/logging/logger';
import { cardProofMessage } from '../../../../src/shared/card-identity';
import { appError } from '../../../../src/shared/errors';
import type { FlowView } from '../../../../src/shared/ipc-contract';
import { err, ok } from '../../../../src/shared/result';
import { FakePivCard } from '../../../support/fake-piv-card';
import { fakeServerClient, refuse } from '../../../support/fake-server-client';

const cardId = 'c0ffee00c0ffee00c0ffee00c0ffee00';
const secrets = {
  oldPin: '11112222',
  newPin: 'N3wPass!',
  puk: '87654321',
  unconfirmedPuk: '55554444',
  nextPuk: '13572468',
  code: 'K7QX4M2P',
  answers: { q1: 'Ford Escort Mk2', q2: '0121 555 0123' },
};
const answers = Object.entries(secrets.answers).map(([questionId, answer]) => ({
  questionId,
  answer,
}));

function setup(
  options: { locked?: boolean; cardPuk?: string; unconfirmedPuk?: string | null } = {},
) {
  const card = new FakePivCard(cardId, {
    pin: secrets.oldPin,
    puk: options.cardPuk ?? secrets.puk,
    pinTries: options.locked === false ? 3 : 0,
  });
  const server = fakeServerClient({
    code: secrets.code,
    answers: secrets.answers,
    authorisation: {
      puk: secrets.puk,
      unconfirmedPuk: options.unconfirmedPuk ?? null,
      nextPuk: secrets.nextPuk,
    },
  });
  const views: FlowView[] = [];
  const { logger, records } = createMemoryLogger();
  let opened = 0;
  let inReader = card;
  const runner = new FlowRunner({
    cards: {
      open: () => {
        if (!inReader.present) return Promise.resolve(err({ code: 'card-absent' as const }));
        opened += 1;
        return Promise.resolve(ok({ card: inReader, close: () => Promise.resolve() }));
      },
    },
    server: server.client,
    logger,
    passcodePolicy: 'printable-4-8',
    onView: (view) => views.push(view),
  });
  /** Puts another card in the reader. */
  const insert = (other: FakePivCard) => (inReader = other);
  return { card, server, views, records, runner, insert, opened: () => opened };
}

const value = (result: { ok: boolean; value?: FlowView }) => {
  expect(result.ok).toBe(true);
  return result.value!;
};

async function toNewPasscode(t: ReturnType<typeof setup>) {
  value(await t.runner.unlockStart());
  value(await t.runner.unlockAnswer(answers));
  return value(await t.runner.unlockSubmitCode(secrets.code.toLowerCase()));
}

describe('flow runner: a complete unlock', () => {
  it('when every step succeeds, then the card holds the new passcode and the next PUK, and the outcome is reported', async () => {
    const t = setup();
    expect(await t.runner.unlockStart()).toEqual(
      ok({
        kind: 'unlock-questions',
        holderName: 'Mr John Rigby',
        questions: [
          { id: 'q1', text: 'Question q1?' },
          { id: 'q2', text: 'Question q2?' },
        ],
        answerTriesLeft: 3,
      }),
    );
    expect(value(await t.runner.unlockAnswer(answers)).kind).toBe('unlock-code');
    expect(value(await t.runner.unlockSubmitCode('k7qx-4m2p'))).toEqual({
      kind: 'unlock-new-passcode',
      policy: 'printable-4-8',
    });
    expect(value(await t.runner.unlockSetPasscode(secrets.newPin, secrets.newPin))).toEqual({
      kind: 'unlock-done',
      holderName: 'Mr John Rigby',
    });

    expect(t.card).toMatchObject({
      pin: secrets.newPin,
      puk: secrets.nextPuk,
      pinTries: 3,
      pukTries: 3,
    });
    expect(t.server.calls.map((c) => c.method)).toEqual([
      'unlockStart',
      'unlockProof',
      'unlockAnswers',
      'unlockCode',
      'unlockUnblock',
      'unlockOutcome',
    ]);
    expect(t.server.calls.at(-1)?.args[1]).toEqual({ outcome: 'unlocked', pukOnCard: 'next' });
    expect(t.server.calls.find((c) => c.method === 'unlockCode')?.args[1]).toBe(secrets.code);
    expect(t.card.commands).toEqual([
      'select',
      'readCardId',
      'passcodeStatus',
      'sign',
      'select',
      'readCardId',
      'passcodeStatus',
      'changePuk',
      'resetRetryCounter',
      'verifyPasscode',
    ]);
  });

  it('when the card is unlocked, then the done screen is shown before the outcome is reported, and a report the server does not take leaves it shown', async () => {
    for (const answer of [() => ok(undefined), refuse(appError('SERVICE_UNAVAILABLE'))]) {
      const t = setup();
      let shownAtReport: string | undefined;
      t.server.override('unlockOutcome', () => {
        shownAtReport = t.views.at(-1)?.kind;
        return answer();
      });
      await toNewPasscode(t);
      expect(value(await t.runner.unlockSetPasscode(secrets.newPin, secrets.newPin)).kind).toBe(
        'unlock-done',
      );
      expect(shownAtReport).toBe('unlock-done');
      const logged = t.records.find((r) => r.event === 'unlock outcome');
      expect(logged?.fields).toMatchObject({ outcome: 'unlocked', reported: answer().ok });
      expect(t.views.at(-1)?.kind).toBe('unlock-done');
    }
  });

  it('proves the card with 9E over the SHA-256 of the attempt-bound message', async () => {
    const t = setup();
    await t.runner.unlockStart();
    const expected = createHash('sha256')
      .update(cardProofMessage('unlock', 'attempt_0123456789abcdef', 'bm9uY2Vub25jZW5vbmNlbm9uY2U'))
      .digest();
    expect(t.card.signed).toEqual([{ slot: '9E', digest: new Uint8Array(expected) }]);
  });

  it('shows progress for every slow step, in order', async () => {
    const t = setup();
    await toNewPasscode(t);
    await t.runner.unlockSetPasscode(secrets.newPin, secrets.newPin);
    const busy = t.views.filter((v) => v.kind === 'busy').map((v) => v.kind === 'busy' && v.step);
    expect(busy).toEqual([
      'reading-card',
      'proving-card',
      'checking-answers',
      'checking-code',
      'unlocking-card',
      'checking-passcode',
    ]);
  });

  it('leaves no passcode, PUK, code or answer in any log line or view', async () => {
    const t = setup({ unconfirmedPuk: secrets.unconfirmedPuk, cardPuk: secrets.unconfirmedPuk });
    await toNewPasscode(t);
    await t.runner.unlockSetPasscode(secrets.newPin, secrets.newPin);
    expect(t.views.at(-1)?.kind).toBe('unlock-done');
    const everything = JSON.stringify([t.records, t.views]);
    expect(t.records.length).toBeGreaterThan(3);
    for (const secret of [
      secrets.oldPin,
      secrets.newPin,
      secrets.puk,
      secrets.unconfirmedPuk,
      secrets.nextPuk,
      secrets.code,
      secrets.code.toLowerCase(),
      ...Object.values(secrets.answers),
    ]) {
      expect(everything).not.toContain(secret);
    }
  });
});

describe('flow runner: unlock refusals', () => {
  it('when the card is not locked, then CARD_NOT_LOCKED, no attempt is opened and no passcode is sent', async () => {
    const t = setup({ locked: false });
    expect(value(await t.runner.unlockStart())).toMatchObject({
      kind: 'failed',
      error: { code: 'CARD_NOT_LOCKED' },
    });
    expect(t.server.calls).toEqual([]);
    expect(t.card.commands).not.toContain('verifyPasscode');
  });

  it('when there is no card, then CARD_ABSENT and the server is not asked', async () => {
    const t = setup();
    t.card.present = false;
    expect(value(await t.runner.unlockStart())).toMatchObject({ error: { code: 'CARD_ABSENT' } });
    expect(t.server.calls).toEqual([]);
  });

  it('when the server cannot be reached, then SERVER_UNREACHABLE with a retry that works', async () => {
    const t = setup();
    t.server.override('unlockStart', refuse(appError('SERVER_UNREACHABLE')));
    expect(value(await t.runner.unlockStart())).toEqual({
      kind: 'failed',
      error: appError('SERVER_UNREACHABLE'),
      canRetry: true,
    });
    t.server.override('unlockStart', () =>
      ok({
        attemptId: 'attempt_0123456789abcdef',
        nonce: 'bm9uY2Vub25jZW5vbmNlbm9uY2U',
        nonceExpiresAt: '2026-11-28T12:00:00Z',
        expiresAt: '2026-11-28T12:00:00Z',
      }),
    );
    expect(value(await t.runner.unlockStart()).kind).toBe('unlock-questions');
  });

  it('when the card is not registered, then the proof refusal ends the flow and the attempt is cancelled', async () => {
    const t = setup();
    t.server.override('unlockProof', refuse(appError('CARD_NOT_REGISTERED')));
    expect(value(await t.runner.unlockStart())).toMatchObject({
      kind: 'failed',
      error: { code: 'CARD_NOT_REGISTERED' },
      canRetry: false,
    });
    expect(t.server.calls.map((c) => c.method)).toContain('unlockCancel');
  });

  it('when the answers are wrong, then the questions come back with the tries left', async () => {
    const t = setup();
    await t.runner.unlockStart();
    const view = value(
      await t.runner.unlockAnswer([
        { questionId: 'q1', answer: 'x' },
        { questionId: 'q2', answer: 'y' },
      ]),
    );
    expect(view).toMatchObject({
      kind: 'unlock-questions',
      answerTriesLeft: 2,
      error: { code: 'ANSWERS_WRONG' },
    });
  });

  it('when an answer is blank or a question repeated, then it is refused before the server', async () => {
    const t = setup();
    await t.runner.unlockStart();
    expect(await t.runner.unlockAnswer([{ questionId: 'q1', answer: '  ' }])).toMatchObject({
      ok: false,
    });
    expect(
      await t.runner.unlockAnswer([
        { questionId: 'q1', answer: 'a' },
        { questionId: 'q1', answer: 'b' },
      ]),
    ).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(t.server.calls.map((c) => c.method)).not.toContain('unlockAnswers');
  });

  it('resends a code, and shows a refusal on the code screen', async () => {
    const t = setup();
    await t.runner.unlockStart();
    await t.runner.unlockAnswer(answers);
    expect(value(await t.runner.unlockResendCode())).toMatchObject({
      kind: 'unlock-code',
      delivery: { sendsLeft: 1 },
    });
    t.server.override(
      'unlockResend',
      refuse(appError('RESEND_TOO_SOON', { retryAfterSeconds: 40 })),
    );
    expect(value(await t.runner.unlockResendCode())).toMatchObject({
      kind: 'unlock-code',
      error: { code: 'RESEND_TOO_SOON' },
    });
  });

  it('when the code is malformed, then the code screen says so and the server is not asked', async () => {
    const t = setup();
    await t.runner.unlockStart();
    await t.runner.unlockAnswer(answers);
    expect(value(await t.runner.unlockSubmitCode('?!'))).toMatchObject({
      kind: 'unlock-code',
      error: { code: 'CODE_WRONG' },
    });
  });

  it('when the code is wrong, then the code screen says so at once, the card is not touched, and the right code moves on', async () => {
    const t = setup();
    await t.runner.unlockStart();
    await t.runner.unlockAnswer(answers);
    const commands = t.card.commands.length;
    expect(value(await t.runner.unlockSubmitCode('AAAA2222'))).toMatchObject({
      kind: 'unlock-code',
      error: { code: 'CODE_WRONG', details: { triesLeft: 4 } },
    });
    expect(t.server.calls.map((c) => c.method)).not.toContain('unlockUnblock');
    // The passcode screen cannot be reached with a wrong code.
    expect(await t.runner.unlockSetPasscode(secrets.newPin, secrets.newPin)).toMatchObject({
      ok: false,
      error: { code: 'ATTEMPT_STATE' },
    });
    expect(t.card.commands.length).toBe(commands);
    expect(t.card.pinTries).toBe(0);
    expect(value(await t.runner.unlockSubmitCode(secrets.code)).kind).toBe('unlock-new-passcode');
  });

  it('when the code is refused because self-service locked meanwhile, then the flow fails and the attempt is cancelled', async () => {
    const t = setup();
    await t.runner.unlockStart();
    await t.runner.unlockAnswer(answers);
    t.server.override('unlockCode', refuse(appError('SELF_SERVICE_LOCKED')));
    expect(value(await t.runner.unlockSubmitCode(secrets.code))).toMatchObject({
      kind: 'failed',
      error: { code: 'SELF_SERVICE_LOCKED' },
      canRetry: false,
    });
    expect(t.server.calls.at(-1)?.method).toBe('unlockCancel');
  });

  it('when the first email cannot be sent, then the code screen offers Resend and the resent code works', async () => {
    const t = setup();
    await t.runner.unlockStart();
    t.server.override('unlockAnswers', refuse(appError('MAIL_UNAVAILABLE')));
    expect(value(await t.runner.unlockAnswer(answers))).toEqual({
      kind: 'unlock-code',
      delivery: null,
      contacts: [{ channel: 'email', maskedAddress: 'j****y@nhs.net' }],
      error: appError('MAIL_UNAVAILABLE'),
    });
    expect(t.server.calls.map((c) => c.method)).not.toContain('unlockCancel');
    expect(value(await t.runner.unlockResendCode())).toMatchObject({
      kind: 'unlock-code',
      delivery: { sendsLeft: 1 },
    });
    expect(value(await t.runner.unlockSubmitCode(secrets.code)).kind).toBe('unlock-new-passcode');
  });

  it('when the unblock is refused (daily cap reached meanwhile), then the flow fails and the card is not touched beyond reading it', async () => {
    const t = setup();
    await toNewPasscode(t);
    t.server.override('unlockUnblock', refuse(appError('PUK_RELEASE_LIMIT')));
    expect(value(await t.runner.unlockSetPasscode(secrets.newPin, secrets.newPin))).toMatchObject({
      kind: 'failed',
      error: { code: 'PUK_RELEASE_LIMIT' },
    });
    expect(t.card.commands).not.toContain('changePuk');
    expect(t.card.commands).not.toContain('resetRetryCounter');
    expect(t.server.calls.map((c) => c.method)).not.toContain('unlockOutcome');
  });

  it('when the new passcode breaks the policy or the boxes differ, then it is refused and can be fixed', async () => {
    const t = setup();
    await toNewPasscode(t);
    expect(value(await t.runner.unlockSetPasscode('abc', 'abc'))).toMatchObject({
      kind: 'unlock-new-passcode',
      error: { code: 'VALIDATION_FAILED', details: { field: 'passcode' } },
    });
    expect(value(await t.runner.unlockSetPasscode('abcd', 'abce'))).toMatchObject({
      error: { details: { field: 'confirmation' } },
    });
    expect(value(await t.runner.unlockSetPasscode(secrets.newPin, secrets.newPin)).kind).toBe(
      'unlock-done',
    );
  });
});

describe('flow runner: the PUK rotation', () => {
  it('when the card still holds the unconfirmed PUK, then it is used after one wrong try, and the unlock completes', async () => {
    const t = setup({ unconfirmedPuk: secrets.unconfirmedPuk, cardPuk: secrets.unconfirmedPuk });
    await toNewPasscode(t);
    expect(value(await t.runner.unlockSetPasscode(secrets.newPin, secrets.newPin)).kind).toBe(
      'unlock-done',
    );
    expect(t.card.commands.filter((c) => c === 'changePuk')).toHaveLength(2);
    expect(t.card).toMatchObject({ puk: secrets.nextPuk, pin: secrets.newPin, pukTries: 3 });
  });

  it('when neither PUK fits, then PUK_WRONG, no retry, and the outcome says the PUK on the card is unknown', async () => {
    const t = setup({ unconfirmedPuk: secrets.unconfirmedPuk, cardPuk: '99999999' });
    await toNewPasscode(t);
    expect(value(await t.runner.unlockSetPasscode(secrets.newPin, secrets.newPin))).toMatchObject({
      kind: 'failed',
      error: { code: 'PUK_WRONG' },
      canRetry: false,
    });
    expect(t.server.calls.at(-1)).toMatchObject({
      method: 'unlockOutcome',
      args: [
        expect.any(String),
        { outcome: 'failed', pukOnCard: 'unknown', failureCode: 'change-puk:puk-wrong' },
      ],
    });
    expect(t.card.commands).not.toContain('resetRetryCounter');
  });

  it('when the card is pulled after the rotation, then CARD_REMOVED and the outcome says the card holds the next PUK', async () => {
    const t = setup();
    await toNewPasscode(t);
    t.card.beforeCommand = (command) => {
      if (command === 'resetRetryCounter') t.card.present = false;
    };
    expect(value(await t.runner.unlockSetPasscode(secrets.newPin, secrets.newPin))).toMatchObject({
      kind: 'failed',
      error: { code: 'CARD_REMOVED' },
      canRetry: true,
    });
    expect(t.server.calls.at(-1)?.args[1]).toMatchObject({ outcome: 'failed', pukOnCard: 'next' });
    expect(t.card.puk).toBe(secrets.nextPuk);
  });

  it('when the card is pulled before the unblock, then no PUK is asked for and the attempt is cancelled', async () => {
    const t = setup();
    await toNewPasscode(t);
    t.card.present = false;
    expect(value(await t.runner.unlockSetPasscode(secrets.newPin, secrets.newPin))).toMatchObject({
      error: { code: 'CARD_REMOVED' },
    });
    const methods = t.server.calls.map((c) => c.method);
    expect(methods).not.toContain('unlockUnblock');
    expect(methods.at(-1)).toBe('unlockCancel');
  });

  it('when the card is pulled during the rotation, then the outcome says what the card may hold', async () => {
    const t = setup();
    await toNewPasscode(t);
    t.card.beforeCommand = (command) => {
      if (command === 'changePuk') t.card.present = false;
    };
    expect(value(await t.runner.unlockSetPasscode(secrets.newPin, secrets.newPin))).toMatchObject({
      error: { code: 'CARD_REMOVED' },
    });
    expect(t.server.calls.at(-1)).toMatchObject({
      method: 'unlockOutcome',
      args: [expect.any(String), { outcome: 'failed', pukOnCard: 'unknown' }],
    });
  });

  it('when another card is inserted by the time of the unblock, then nothing is sent to it', async () => {
    const t = setup();
    await toNewPasscode(t);
    const other = t.card;
    Object.defineProperty(other, 'cardId', { value: 'd'.repeat(32) });
    expect(value(await t.runner.unlockSetPasscode(secrets.newPin, secrets.newPin))).toMatchObject({
      error: { code: 'CARD_REMOVED' },
    });
    expect(other.commands).not.toContain('changePuk');
    expect(t.server.calls.map((c) => c.method)).not.toContain('unlockUnblock');
  });

  it('when the card is pulled right after the reset, then the unlock still counts as done', async () => {
    const t = setup();
    await toNewPasscode(t);
    t.card.beforeCommand = (command) => {
      if (command === 'verifyPasscode') t.card.present = false;
    };
    expect(value(await t.runner.unlockSetPasscode(secrets.newPin, secrets.newPin)).kind).toBe(
      'unlock-done',
    );
    expect(t.server.calls.at(-1)?.args[1]).toEqual({ outcome: 'unlocked', pukOnCard: 'next' });
  });

  it('when the outcome report cannot be delivered, then the unlocked card is still shown as done', async () => {
    const t = setup();
    t.server.override('unlockOutcome', refuse(appError('SERVER_UNREACHABLE')));
    await toNewPasscode(t);
    expect(value(await t.runner.unlockSetPasscode(secrets.newPin, secrets.newPin)).kind).toBe(
      'unlock-done',
    );
  });
});

describe('flow runner: endings', () => {
  it('when the card is removed on the questions, then the screen asks for it again and the attempt is kept on the server', async () => {
    const t = setup();
    await t.runner.unlockStart();
    removeCard(t);
    expect(t.runner.view()).toEqual({ kind: 'reinsert-card' });
    expect(t.views.at(-1)).toEqual(t.runner.view());
    expect(t.server.calls.map((c) => c.method)).not.toContain('unlockCancel');
  });

  it('when the card is removed while nothing is under way, then nothing happens', () => {
    const t = setup();
    t.runner.cardRemoved();
    expect(t.runner.view()).toEqual({ kind: 'idle' });
    expect(t.views).toEqual([]);
  });

  it('when the card is removed while the server is proving it, then the late answer is dropped and its attempt cancelled', async () => {
    const t = setup();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const original = t.server.client.unlockProof;
    t.server.client.unlockProof = async (...args) => {
      await gate;
      return original(...args);
    };
    const pending = t.runner.unlockStart();
    await expect.poll(() => t.runner.view()).toEqual({ kind: 'busy', step: 'proving-card' });
    t.runner.cardRemoved();
    release();
    expect(value(await pending)).toMatchObject({ kind: 'failed', error: { code: 'CARD_REMOVED' } });
    await expect
      .poll(() => t.server.calls.filter((c) => c.method === 'unlockCancel').length)
      .toBeGreaterThan(0);
  });

  it('when a second action arrives while a step runs, then it gets the busy view and changes nothing', async () => {
    const t = setup();
    const first = t.runner.unlockStart();
    expect(value(await t.runner.unlockStart())).toEqual({ kind: 'busy', step: 'reading-card' });
    expect(value(await first).kind).toBe('unlock-questions');
    expect(t.server.calls.filter((c) => c.method === 'unlockStart')).toHaveLength(1);
  });

  it('when cancelled, then idle and the attempt is cancelled on the server', async () => {
    const t = setup();
    await t.runner.unlockStart();
    expect(t.runner.cancel()).toEqual(ok({ kind: 'idle' }));
    expect(t.server.calls.at(-1)?.method).toBe('unlockCancel');
  });

  it('when a step is asked for at the wrong point, then ATTEMPT_STATE and nothing changes', async () => {
    const t = setup();
    expect(await t.runner.unlockAnswer(answers)).toEqual(err(appError('ATTEMPT_STATE')));
    expect(await t.runner.unlockSetPasscode('abcd', 'abcd')).toEqual(
      err(appError('ATTEMPT_STATE')),
    );
    expect(await t.runner.registerSubmitCode('ABCD2345')).toEqual(err(appError('ATTEMPT_STATE')));
    expect(t.server.calls).toEqual([]);
  });
});

/** Takes the card out, as the reader monitor reports it. */
function removeCard(t: ReturnType<typeof setup>) {
  t.card.present = false;
  t.runner.cardRemoved();
}

const methods = (t: ReturnType<typeof setup>) => t.server.calls.map((c) => c.method);

describe('flow runner: a removed card pauses the attempt until the same card is back', () => {
  it('when the card comes back on the code screen, then Continue resumes there and the unlock completes on the same attempt', async () => {
    const t = setup();
    await t.runner.unlockStart();
    const code = value(await t.runner.unlockAnswer(answers));
    removeCard(t);
    expect(t.runner.view()).toEqual({ kind: 'reinsert-card' });
    t.card.present = true;
    expect(value(await t.runner.resume())).toEqual(code);
    expect(value(await t.runner.unlockSubmitCode(secrets.code)).kind).toBe('unlock-new-passcode');
    expect(value(await t.runner.unlockSetPasscode(secrets.newPin, secrets.newPin)).kind).toBe(
      'unlock-done',
    );
    expect(methods(t)).toEqual([
      'unlockStart',
      'unlockProof',
      'unlockAnswers',
      'unlockCode',
      'unlockUnblock',
      'unlockOutcome',
    ]);
  });

  it('when the card comes back after the code was accepted, then the PUK release and the reset run on it once it has signed with its key', async () => {
    const t = setup();
    await toNewPasscode(t);
    removeCard(t);
    t.card.present = true;
    const before = t.card.commands.length;
    expect(value(await t.runner.resume())).toEqual({
      kind: 'unlock-new-passcode',
      policy: 'printable-4-8',
    });
    expect(t.card.commands.slice(before)).toEqual([
      'select',
      'readCardId',
      'passcodeStatus',
      'readCertificate',
      'sign',
    ]);
    expect(t.card.signed.map((s) => s.slot)).toEqual(['9E', '9E']);
    expect(value(await t.runner.unlockSetPasscode(secrets.newPin, secrets.newPin)).kind).toBe(
      'unlock-done',
    );
    expect(t.card).toMatchObject({ pin: secrets.newPin, puk: secrets.nextPuk, pinTries: 3 });
    expect(methods(t).filter((m) => m === 'unlockCode')).toHaveLength(1);
    expect(methods(t)).not.toContain('unlockCancel');
  });

  it('when Continue is pressed before the card is back, then the screen says so and waits, with the server untouched', async () => {
    const t = setup();
    await toNewPasscode(t);
    removeCard(t);
    const calls = t.server.calls.length;
    expect(value(await t.runner.resume())).toEqual({
      kind: 'reinsert-card',
      error: appError('CARD_ABSENT'),
    });
    expect(t.server.calls).toHaveLength(calls);
    t.card.present = true;
    expect(value(await t.runner.resume()).kind).toBe('unlock-new-passcode');
  });

  it('when a different card is put in, then nothing is sent to it under the paused attempt: that attempt is cancelled and the unlock starts over with the new card', async () => {
    const t = setup();
    await toNewPasscode(t);
    removeCard(t);
    const other = new FakePivCard('d'.repeat(32), { pin: '9999', puk: '99999999', pinTries: 0 });
    t.insert(other);
    const before = methods(t).length;
    expect(value(await t.runner.resume())).toMatchObject({
      kind: 'unlock-questions',
      holderName: 'Mr John Rigby',
    });
    expect(methods(t).slice(before)).toEqual(['unlockCancel', 'unlockStart', 'unlockProof']);
    expect(t.server.calls.at(-2)?.args[0]).toBe(other.cardId);
    expect(other.commands).not.toContain('changePuk');
    expect(await t.runner.unlockSetPasscode(secrets.newPin, secrets.newPin)).toEqual(
      err(appError('ATTEMPT_STATE')),
    );
  });

  it('when a copy with the same card identifier but not its key is put in, then it is not taken for the card', async () => {
    const t = setup();
    await toNewPasscode(t);
    removeCard(t);
    t.insert(new FakePivCard(cardId, { pin: secrets.oldPin, puk: secrets.puk, pinTries: 0 }));
    expect(value(await t.runner.resume()).kind).toBe('unlock-questions');
    expect(methods(t).filter((m) => m === 'unlockStart')).toHaveLength(2);
    expect(methods(t)).toContain('unlockCancel');
  });

  it('when the card with the same keys (the same card) is put in another reader object, then it is the same card', async () => {
    const t = setup();
    await toNewPasscode(t);
    removeCard(t);
    const same = new FakePivCard(cardId, {
      pin: secrets.oldPin,
      puk: secrets.puk,
      pinTries: 0,
      keys: t.card.keys,
    });
    t.insert(same);
    expect(value(await t.runner.resume()).kind).toBe('unlock-new-passcode');
    expect(value(await t.runner.unlockSetPasscode(secrets.newPin, secrets.newPin)).kind).toBe(
      'unlock-done',
    );
    expect(same.pin).toBe(secrets.newPin);
  });

  it('when the card goes while the server checks the answers, then the answer is kept and the attempt pauses on the code screen', async () => {
    const t = setup();
    await t.runner.unlockStart();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const original = t.server.client.unlockAnswers;
    t.server.client.unlockAnswers = async (...args) => {
      await gate;
      return original(...args);
    };
    const pending = t.runner.unlockAnswer(answers);
    await expect.poll(() => t.runner.view()).toEqual({ kind: 'busy', step: 'checking-answers' });
    removeCard(t);
    expect(t.runner.view()).toEqual({ kind: 'busy', step: 'checking-answers' });
    release();
    expect(value(await pending)).toEqual({ kind: 'reinsert-card' });
    t.card.present = true;
    expect(value(await t.runner.resume()).kind).toBe('unlock-code');
    expect(methods(t)).not.toContain('unlockCancel');
  });

  it('when the card is pulled again while it is being checked, then the screen asks for it again', async () => {
    const t = setup();
    await toNewPasscode(t);
    removeCard(t);
    t.card.present = true;
    t.card.beforeCommand = (command) => {
      if (command === 'readCertificate') removeCard(t);
    };
    expect(value(await t.runner.resume())).toEqual({ kind: 'reinsert-card' });
    expect(methods(t)).not.toContain('unlockCancel');
  });

  it('when Start again is pressed while the card is out, then the paused attempt is cancelled', async () => {
    const t = setup();
    await toNewPasscode(t);
    removeCard(t);
    expect(t.runner.cancel()).toEqual(ok({ kind: 'idle' }));
    expect(methods(t).at(-1)).toBe('unlockCancel');
  });

  it('when there is no paused attempt, then Continue is refused and changes nothing', async () => {
    const t = setup();
    expect(await t.runner.resume()).toEqual(err(appError('ATTEMPT_STATE')));
    await t.runner.unlockStart();
    expect(await t.runner.resume()).toEqual(err(appError('ATTEMPT_STATE')));
    expect(t.runner.view().kind).toBe('unlock-questions');
  });
});

/** A registration proof's answer, as the server gives it for a holder never registered. */
const registeredProof = {
  holderName: 'Mr John Rigby',
  maskedEmail: 'j****y@nhs.net',
  catalogue: [
    { id: 'q1', text: 'Car?' },
    { id: 'q2', text: 'Phone?' },
  ],
  questionsRequired: 2,
  alreadyRegistered: false,
};

describe('flow runner: registration', () => {
  it('when the passcode is right, then 9A proves the card, the answers are saved and the code confirms the address', async () => {
    const t = setup({ locked: false });
    expect(value(await t.runner.registerStart(secrets.oldPin))).toMatchObject({
      kind: 'register-questions',
      holderName: 'Mr John Rigby',
      questionsRequired: 2,
    });
    expect(t.card.signed.map((s) => s.slot)).toEqual(['9A']);
    expect(value(await t.runner.registerAnswer(answers)).kind).toBe('register-code');
    expect(value(await t.runner.registerResendCode()).kind).toBe('register-code');
    expect(value(await t.runner.registerSubmitCode('xxxx2222'))).toMatchObject({
      kind: 'register-code',
      error: { code: 'CODE_WRONG' },
    });
    expect(value(await t.runner.registerSubmitCode(secrets.code))).toEqual({
      kind: 'register-done',
      holderName: 'Mr John Rigby',
    });
    expect(JSON.stringify(t.records)).not.toContain(secrets.oldPin);
  });

  it('when the server says the holder is registered already, then the questions screen is told, to warn that the answers will be replaced', async () => {
    const t = setup({ locked: false });
    t.server.override('registerProof', () => ok({ ...registeredProof, alreadyRegistered: true }));
    expect(value(await t.runner.registerStart(secrets.oldPin))).toMatchObject({
      kind: 'register-questions',
      alreadyRegistered: true,
    });
    t.runner.cancel();
    t.server.override('registerProof', () => ok(registeredProof));
    expect(value(await t.runner.registerStart(secrets.oldPin))).toMatchObject({
      alreadyRegistered: false,
    });
  });

  it('when the passcode is wrong, then PASSCODE_WRONG with the tries left and no attempt', async () => {
    const t = setup({ locked: false });
    expect(value(await t.runner.registerStart('00000000'))).toMatchObject({
      kind: 'failed',
      error: { code: 'PASSCODE_WRONG', details: { triesLeft: 2 } },
      canRetry: true,
    });
    expect(t.server.calls).toEqual([]);
  });

  it('when the card is locked, then CARD_LOCKED and no passcode is sent to it', async () => {
    const t = setup({ locked: true });
    expect(value(await t.runner.registerStart(secrets.oldPin))).toMatchObject({
      error: { code: 'CARD_LOCKED' },
    });
    expect(t.card.commands).not.toContain('verifyPasscode');
  });

  it('when the passcode cannot be a card passcode, then it is refused before the card', async () => {
    const t = setup({ locked: false });
    expect(await t.runner.registerStart('123456789')).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED' },
    });
    expect(t.opened()).toBe(0);
  });

  it('when the card is removed during registration, then it ends and the attempt is cancelled', async () => {
    const t = setup({ locked: false });
    await t.runner.registerStart(secrets.oldPin);
    t.runner.cardRemoved();
    expect(t.runner.view()).toMatchObject({ kind: 'failed', error: { code: 'CARD_REMOVED' } });
    expect(t.server.calls.at(-1)?.method).toBe('registerCancel');
  });

  it('when a registration is cancelled, then its attempt is cancelled on the registration route', async () => {
    const t = setup({ locked: false });
    await t.runner.registerStart(secrets.oldPin);
    expect(t.runner.cancel()).toEqual(ok({ kind: 'idle' }));
    expect(t.server.calls.at(-1)?.method).toBe('registerCancel');
  });

  it('when an unlock is started while a registration is on its questions, then ATTEMPT_STATE', async () => {
    const t = setup({ locked: false });
    await t.runner.registerStart(secrets.oldPin);
    expect(await t.runner.unlockStart()).toEqual(err(appError('ATTEMPT_STATE')));
  });
});
