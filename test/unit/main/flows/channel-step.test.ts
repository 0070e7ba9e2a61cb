import { describe, expect, it } from 'vitest';
import { FlowRunner } from '../../../../src/main/flows/flow-runner';
import { createMemoryLogger } from '../../../../src/main/logging/logger';
import { appError } from '../../../../src/shared/errors';
import type { Contact, VerificationModel } from '../../../../src/shared/http-api';
import { flowViewSchema, type FlowView } from '../../../../src/shared/ipc-contract';
import { err, ok } from '../../../../src/shared/result';
import { FakePivCard } from '../../../support/fake-piv-card';
import { EMAIL, fakeServerClient, MOBILE, refuse } from '../../../support/fake-server-client';

// The unlock with the server's steps as it gives them per attempt: no questions under code-only,
// and the choice of where the code goes when the holder has two contacts.

const cardId = 'c0ffee00c0ffee00c0ffee00c0ffee00';
const code = 'K7QX4M2P';
const newPin = 'N3wPass!';
const answers = { q1: 'Ford Escort', q2: '0121 496 0000' };
const typed = Object.entries(answers).map(([questionId, answer]) => ({ questionId, answer }));

function setup(verification: VerificationModel, contacts: readonly Contact[]) {
  const card = new FakePivCard(cardId, { pin: '11112222', puk: '87654321', pinTries: 0 });
  const server = fakeServerClient({
    code,
    answers,
    authorisation: { puk: '87654321', unconfirmedPuk: null, nextPuk: '13572468' },
    verification,
    contacts,
  });
  const views: FlowView[] = [];
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
    onView: (view) => views.push(flowViewSchema.parse(view)),
  });
  const methods = () => server.calls.map((c) => c.method);
  return { card, server, runner, views, methods };
}

const value = (result: { ok: boolean; value?: FlowView }) => {
  expect(result.ok).toBe(true);
  return result.value!;
};

/** A delivery as the server reports it. */
const sent = (contact: Contact) => ({
  ...contact,
  codeLength: 8,
  resendAvailableAt: '2026-11-28T12:01:00.000Z',
  sendsLeft: 2,
});

/** The code screen's view after a send to `contact`, as far as a test cares. */
const delivered = (contact: Contact) => ({
  kind: 'unlock-code',
  delivery: { ...contact, sendsLeft: 2 },
});

describe('code-only unlock', () => {
  it('when the holder has one contact, then no question is asked, the code goes there, and the card is unlocked', async () => {
    const t = setup('code-only', [MOBILE]);
    expect(value(await t.runner.unlockStart())).toEqual({
      kind: 'unlock-channel',
      holderName: 'Mr John Rigby',
      contacts: [MOBILE],
    });
    expect(value(await t.runner.unlockSendCode('sms'))).toMatchObject({
      ...delivered(MOBILE),
      contacts: [MOBILE],
    });
    expect(t.views.filter((v) => v.kind === 'busy').at(-1)).toEqual({
      kind: 'busy',
      step: 'sending-code',
    });
    expect(value(await t.runner.unlockSubmitCode(code)).kind).toBe('unlock-new-passcode');
    expect(value(await t.runner.unlockSetPasscode(newPin, newPin)).kind).toBe('unlock-done');
    expect(t.card.pin).toBe(newPin);
    expect(t.methods()).toEqual([
      'unlockStart',
      'unlockProof',
      'unlockChannel',
      'unlockCode',
      'unlockUnblock',
      'unlockOutcome',
    ]);
    expect(t.server.calls.find((c) => c.method === 'unlockChannel')?.args[1]).toBe('sms');
  });

  it('when the holder has two contacts, then they choose, and the code goes where they chose', async () => {
    const t = setup('code-only', [MOBILE, EMAIL]);
    expect(value(await t.runner.unlockStart())).toMatchObject({
      kind: 'unlock-channel',
      contacts: [MOBILE, EMAIL],
    });
    expect(value(await t.runner.unlockSendCode('email'))).toMatchObject(delivered(EMAIL));
    expect(t.methods()).not.toContain('unlockAnswers');
  });

  it('when the holder asks for a channel they do not have, then nothing is sent and the choice says so', async () => {
    const t = setup('code-only', [EMAIL]);
    await t.runner.unlockStart();
    expect(value(await t.runner.unlockSendCode('sms'))).toMatchObject({
      kind: 'unlock-channel',
      error: { code: 'VALIDATION_FAILED' },
    });
    expect(t.methods()).not.toContain('unlockChannel');
  });

  it('when the holder has no address at all, then the proof refusal says to call the desk and ends the attempt', async () => {
    const t = setup('code-only', [MOBILE]);
    t.server.override('unlockProof', refuse(appError('NO_CONTACT')));
    expect(value(await t.runner.unlockStart())).toEqual({
      kind: 'failed',
      error: appError('NO_CONTACT'),
      canRetry: false,
    });
    expect(t.methods().at(-1)).toBe('unlockCancel');
  });

  it('when the card is removed on the choice, then the attempt waits for it and comes back to the choice', async () => {
    const t = setup('code-only', [MOBILE, EMAIL]);
    const choice = value(await t.runner.unlockStart());
    t.runner.cardRemoved();
    expect(t.runner.view()).toEqual({ kind: 'reinsert-card' });
    expect(t.methods()).not.toContain('unlockCancel');
    expect(value(await t.runner.resume())).toEqual(choice);
  });

  it('when the holder cancels on the choice, then idle, and nothing is sent', async () => {
    const t = setup('code-only', [MOBILE, EMAIL]);
    await t.runner.unlockStart();
    expect(t.runner.cancel()).toEqual(ok({ kind: 'idle' }));
    expect(t.methods()).toEqual(['unlockStart', 'unlockProof', 'unlockCancel']);
  });
});

describe('questions and code, two contacts', () => {
  it('when the answers are right, then the holder chooses where the code goes', async () => {
    const t = setup('questions-and-code', [EMAIL, MOBILE]);
    expect(value(await t.runner.unlockStart()).kind).toBe('unlock-questions');
    expect(value(await t.runner.unlockAnswer(typed))).toMatchObject({
      kind: 'unlock-channel',
      contacts: [EMAIL, MOBILE],
    });
    expect(value(await t.runner.unlockSendCode('sms'))).toMatchObject(delivered(MOBILE));
    expect(value(await t.runner.unlockSubmitCode(code)).kind).toBe('unlock-new-passcode');
  });

  it('when the holder has one contact, then the answers send the code there, as before', async () => {
    const t = setup('questions-and-code', [MOBILE]);
    await t.runner.unlockStart();
    expect(value(await t.runner.unlockAnswer(typed))).toMatchObject(delivered(MOBILE));
    expect(t.methods()).not.toContain('unlockChannel');
  });
});

describe('sending the code another way', () => {
  async function onTheCode(t: ReturnType<typeof setup>) {
    await t.runner.unlockStart();
    await t.runner.unlockSendCode('sms');
  }

  it('when the text message has not come, then the code goes by email instead, and the new code works', async () => {
    const t = setup('code-only', [MOBILE, EMAIL]);
    await onTheCode(t);
    expect(value(await t.runner.unlockSendCode('email'))).toMatchObject({
      ...delivered(EMAIL),
      contacts: [MOBILE, EMAIL],
    });
    expect(
      t.server.calls.filter((c) => c.method === 'unlockChannel').map((c) => c.args[1]),
    ).toEqual(['sms', 'email']);
    expect(value(await t.runner.unlockSubmitCode(code)).kind).toBe('unlock-new-passcode');
  });

  it('when it is too soon for another send, then the code screen says so and keeps the first delivery', async () => {
    const t = setup('code-only', [MOBILE, EMAIL]);
    await onTheCode(t);
    t.server.override(
      'unlockChannel',
      refuse(appError('RESEND_TOO_SOON', { retryAfterSeconds: 40 })),
    );
    expect(value(await t.runner.unlockSendCode('email'))).toMatchObject({
      ...delivered(MOBILE),
      error: { code: 'RESEND_TOO_SOON' },
    });
    expect(t.methods()).not.toContain('unlockCancel');
  });

  it('when the other way cannot be sent either, then the code screen says so and the first code still works', async () => {
    const t = setup('code-only', [MOBILE, EMAIL]);
    await onTheCode(t);
    t.server.override('unlockChannel', refuse(appError('MAIL_UNAVAILABLE')));
    expect(value(await t.runner.unlockSendCode('email'))).toMatchObject({
      ...delivered(MOBILE),
      error: { code: 'MAIL_UNAVAILABLE' },
    });
    expect(value(await t.runner.unlockSubmitCode(code)).kind).toBe('unlock-new-passcode');
  });
});

describe('a text message that cannot be sent', () => {
  it('when the chosen text message fails, then the choice comes back with the error, the attempt is kept, and email works', async () => {
    const t = setup('code-only', [MOBILE, EMAIL]);
    await t.runner.unlockStart();
    t.server.override('unlockChannel', refuse(appError('TEXT_UNAVAILABLE')));
    expect(value(await t.runner.unlockSendCode('sms'))).toEqual({
      kind: 'unlock-channel',
      holderName: 'Mr John Rigby',
      contacts: [MOBILE, EMAIL],
      error: appError('TEXT_UNAVAILABLE'),
    });
    expect(t.methods()).not.toContain('unlockCancel');
    t.server.override('unlockChannel', () => ok(sent(EMAIL)));
    expect(value(await t.runner.unlockSendCode('email'))).toMatchObject(delivered(EMAIL));
  });

  it('when the text message to the only contact fails, then it can be sent again later without starting again', async () => {
    const t = setup('code-only', [MOBILE]);
    await t.runner.unlockStart();
    t.server.override('unlockChannel', refuse(appError('TEXT_UNAVAILABLE')));
    expect(value(await t.runner.unlockSendCode('sms'))).toMatchObject({
      kind: 'unlock-channel',
      contacts: [MOBILE],
      error: { code: 'TEXT_UNAVAILABLE' },
    });
    t.server.override('unlockChannel', () => ok(sent(MOBILE)));
    expect(value(await t.runner.unlockSendCode('sms'))).toMatchObject(delivered(MOBILE));
    expect(t.methods().filter((m) => m === 'unlockStart')).toHaveLength(1);
  });

  it('when the answers are right but the text message fails, then Resend is offered with the answers kept', async () => {
    const t = setup('questions-and-code', [MOBILE]);
    await t.runner.unlockStart();
    t.server.override('unlockAnswers', refuse(appError('TEXT_UNAVAILABLE')));
    expect(value(await t.runner.unlockAnswer(typed))).toEqual({
      kind: 'unlock-code',
      delivery: null,
      contacts: [MOBILE],
      error: appError('TEXT_UNAVAILABLE'),
    });
    expect(value(await t.runner.unlockResendCode())).toMatchObject({
      delivery: { channel: 'sms', sendsLeft: 1 },
    });
    expect(t.methods().filter((m) => m === 'unlockAnswers')).toHaveLength(1);
  });

  it('when the attempt has expired by the time the holder chooses, then the flow fails and may start again', async () => {
    const t = setup('code-only', [MOBILE, EMAIL]);
    await t.runner.unlockStart();
    t.server.override('unlockChannel', refuse(appError('ATTEMPT_EXPIRED')));
    expect(value(await t.runner.unlockSendCode('sms'))).toMatchObject({
      kind: 'failed',
      error: { code: 'ATTEMPT_EXPIRED' },
      canRetry: true,
    });
  });
});

describe('the channel action elsewhere', () => {
  it('when nothing is under way, then sending a code is refused and the server is not asked', async () => {
    const t = setup('code-only', [MOBILE]);
    expect(await t.runner.unlockSendCode('sms')).toEqual(err(appError('ATTEMPT_STATE')));
    expect(t.server.calls).toEqual([]);
  });

  it('when the questions are on screen, then the code cannot be sent before the answers', async () => {
    const t = setup('questions-and-code', [MOBILE, EMAIL]);
    await t.runner.unlockStart();
    expect(await t.runner.unlockSendCode('sms')).toEqual(err(appError('ATTEMPT_STATE')));
    expect(t.methods()).not.toContain('unlockChannel');
  });
});
