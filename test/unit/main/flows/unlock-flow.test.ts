import { describe, expect, it } from 'vitest';
import {
  isUnlockBusy,
  UNLOCK_IDLE,
  unlockAttemptOf,
  unlockTransition,
  type UnlockEvent,
  type UnlockState,
} from '../../../../src/main/flows/unlock-flow';
import { unlockView } from '../../../../src/main/flows/flow-view';
import { appError } from '../../../../src/shared/errors';
import { flowViewSchema } from '../../../../src/shared/ipc-contract';

const attempt = { attemptId: 'attempt_0123456789abcdef', cardId: 'c'.repeat(32) };
const questions = [
  { id: 'q1', text: 'What was the make and model of your first car?' },
  { id: 'q2', text: 'What was your childhood phone number, including area code?' },
];
const email = { channel: 'email', maskedAddress: 'j****y@nhs.net' } as const;
const mobile = { channel: 'sms', maskedAddress: '07*** ***321' } as const;
const delivery = {
  ...email,
  codeLength: 8,
  resendAvailableAt: '2026-11-28T12:01:00.000Z',
  sendsLeft: 2,
};
const holderName = 'Mr John Rigby';
const contacts = [email];
/** What a questions-and-code proof brings, besides the questions. */
const proof = {
  verification: 'questions-and-code',
  steps: ['answers', 'code'],
  contacts,
  answerTriesLeft: 3,
} as const;

/** The new passcode's form: where a paused attempt resumes in the examples below. */
const passcodeForm = { kind: 'new-passcode', attempt, holderName } as const;

/** One example of every state. */
const S = {
  idle: UNLOCK_IDLE,
  reading: { kind: 'reading-card' },
  proving: { kind: 'proving-card', cardId: attempt.cardId },
  questions: { kind: 'questions', attempt, holderName, questions, ...proof },
  checking: { kind: 'checking-answers', attempt, holderName, questions, ...proof },
  channel: { kind: 'channel', attempt, holderName, contacts: [mobile, email] },
  code: { kind: 'code', attempt, holderName, delivery, contacts },
  sending: { kind: 'sending-code', attempt, holderName, delivery, contacts },
  checkingCode: { kind: 'checking-code', attempt, holderName, delivery, contacts },
  passcode: { kind: 'new-passcode', attempt, holderName },
  unblocking: { kind: 'unblocking', attempt, holderName, step: 'unlocking-card' },
  cardOut: {
    kind: 'card-out',
    attempt,
    holderName,
    resume: passcodeForm,
  },
  resuming: {
    kind: 'resuming',
    attempt,
    holderName,
    resume: passcodeForm,
  },
  done: { kind: 'done', holderName },
  failed: { kind: 'failed', error: appError('SERVER_UNREACHABLE'), canRetry: true },
} as const satisfies Record<string, UnlockState>;
const ALL: readonly UnlockState[] = Object.values(S);

/** Every state but the given ones: where an event must change nothing. */
const except = (...kinds: UnlockState['kind'][]) => ALL.filter((s) => !kinds.includes(s.kind));

function expectIgnoredOutside(event: UnlockEvent, ...kinds: UnlockState['kind'][]) {
  for (const state of except(...kinds)) expect(unlockTransition(state, event)).toBe(state);
}

describe('unlock flow: starting and reading the card', () => {
  it('when Start is pressed from idle, failed or done, then the card is read', () => {
    for (const s of [S.idle, S.failed, S.done]) {
      expect(unlockTransition(s, { type: 'start' })).toEqual({ kind: 'reading-card' });
    }
    expectIgnoredOutside({ type: 'start' }, 'idle', 'failed', 'done');
  });

  it('when the card is locked, then its proof comes next', () => {
    expect(
      unlockTransition(S.reading, { type: 'card-read', cardId: attempt.cardId, blocked: true }),
    ).toEqual(S.proving);
  });

  it('when the card is not locked, then the flow fails with CARD_NOT_LOCKED and no retry', () => {
    const next = unlockTransition(S.reading, {
      type: 'card-read',
      cardId: attempt.cardId,
      blocked: false,
    });
    expect(next).toEqual({ kind: 'failed', error: appError('CARD_NOT_LOCKED'), canRetry: false });
  });

  it('ignores a card read outside reading-card', () => {
    expectIgnoredOutside(
      { type: 'card-read', cardId: attempt.cardId, blocked: true },
      'reading-card',
    );
  });

  it('when the card is proved, then the questions come with the holder name and tries left', () => {
    const event = { type: 'card-proved', attempt, holderName, questions, ...proof } as const;
    expect(unlockTransition(S.proving, event)).toEqual(S.questions);
    expectIgnoredOutside(event, 'proving-card');
  });

  it.each([
    ['one contact', [mobile]],
    ['two contacts', [mobile, email]],
  ] as const)(
    'when the server asks no questions (code-only, %s), then where the code goes comes next',
    (_, holderContacts) => {
      const event = {
        type: 'card-proved',
        attempt,
        holderName,
        verification: 'code-only',
        steps: ['channel', 'code'],
        contacts: [...holderContacts],
        questions: [],
        answerTriesLeft: 3,
      } as const;
      expect(unlockTransition(S.proving, event)).toEqual({
        kind: 'channel',
        attempt,
        holderName,
        contacts: holderContacts,
      });
    },
  );

  it('when a proof arrives for another card, then it is ignored', () => {
    const event = {
      type: 'card-proved',
      attempt: { ...attempt, cardId: 'd'.repeat(32) },
      holderName,
      questions,
      ...proof,
    } as const;
    expect(unlockTransition(S.proving, event)).toBe(S.proving);
  });
});

describe('unlock flow: questions', () => {
  it('when answers are submitted, then they are being checked', () => {
    expect(unlockTransition(S.questions, { type: 'answers-submitted' })).toEqual(S.checking);
    expectIgnoredOutside({ type: 'answers-submitted' }, 'questions');
  });

  it('when the answers are right, then the code screen shows where the code went', () => {
    const event = { type: 'answers-accepted', delivery } as const;
    expect(unlockTransition(S.checking, event)).toEqual(S.code);
    expectIgnoredOutside(event, 'checking-answers');
  });

  it('when the answers are wrong, then the questions come back with the tries left from the server', () => {
    const error = appError('ANSWERS_WRONG', { triesLeft: 2 });
    expect(unlockTransition(S.checking, { type: 'answers-rejected', error })).toEqual({
      ...S.questions,
      answerTriesLeft: 2,
      error,
    });
  });

  it('when an answer is malformed, then the questions come back with the same tries', () => {
    const error = appError('VALIDATION_FAILED');
    expect(unlockTransition(S.checking, { type: 'answers-rejected', error })).toEqual({
      ...S.questions,
      error,
    });
  });

  it('when the database is away (503), then the questions come back with the error, to Continue once it is back', () => {
    const error = appError('SERVICE_UNAVAILABLE');
    expect(unlockTransition(S.checking, { type: 'answers-rejected', error })).toEqual({
      ...S.questions,
      error,
    });
  });

  it('when the answers are right and the holder has two contacts, then where the code goes comes next', () => {
    const checking = { ...S.checking, contacts: [mobile, email] };
    expect(unlockTransition(checking, { type: 'channel-next' })).toEqual(S.channel);
    expectIgnoredOutside({ type: 'channel-next' }, 'checking-answers');
  });

  it.each(['MAIL_UNAVAILABLE', 'TEXT_UNAVAILABLE'] as const)(
    'when the answers are right but the message fails (%s), then the code screen offers Resend with no delivery',
    (code) => {
      const error = appError(code);
      expect(unlockTransition(S.checking, { type: 'answers-rejected', error })).toEqual({
        ...S.code,
        delivery: null,
        error,
      });
    },
  );

  it('when the answers are right but the email fails, then Resend can send the code', () => {
    const error = appError('MAIL_UNAVAILABLE');
    const notSent = unlockTransition(S.checking, { type: 'answers-rejected', error });
    expect(notSent).toEqual({ ...S.code, delivery: null, error });
    // Nothing to check yet: a code cannot be submitted, but a resend can be asked for.
    expect(unlockTransition(notSent, { type: 'code-submitted' })).toBe(notSent);
    const sending = unlockTransition(notSent, { type: 'resend-requested' });
    expect(sending).toEqual({ ...S.sending, delivery: null });
    expect(unlockTransition(sending, { type: 'code-sent', delivery })).toEqual(S.code);
    expect(unlockTransition(sending, { type: 'resend-refused', error })).toEqual(notSent);
  });

  it('when self-service is locked, then the flow fails without retry', () => {
    const error = appError('SELF_SERVICE_LOCKED');
    expect(unlockTransition(S.checking, { type: 'answers-rejected', error })).toEqual({
      kind: 'failed',
      error,
      canRetry: false,
    });
    expectIgnoredOutside({ type: 'answers-rejected', error }, 'checking-answers');
  });
});

describe('unlock flow: where the code goes', () => {
  it('when the holder chooses one of their contacts, then the code is being sent, then it shows where it went', () => {
    const sending = unlockTransition(S.channel, { type: 'send-requested', channel: 'sms' });
    expect(sending).toEqual({ ...S.channel, kind: 'sending-code', delivery: null });
    const sent = { ...delivery, ...mobile };
    expect(unlockTransition(sending, { type: 'code-sent', delivery: sent })).toEqual({
      ...S.channel,
      kind: 'code',
      delivery: sent,
    });
  });

  it('when a channel the holder does not have is asked for, then nothing is sent and the screen says so', () => {
    const event = { type: 'send-requested', channel: 'sms' } as const;
    expect(unlockTransition(S.code, event)).toEqual({
      ...S.code,
      error: appError('VALIDATION_FAILED', { field: 'channel' }),
    });
    expectIgnoredOutside(event, 'channel', 'code');
  });

  it('when the code screen asks for another way, then the old delivery shows until the new one comes', () => {
    const code = { ...S.code, contacts: [email, mobile] };
    const sending = unlockTransition(code, { type: 'send-requested', channel: 'sms' });
    expect(sending).toEqual({ ...code, kind: 'sending-code' });
    const error = appError('RESEND_TOO_SOON', { retryAfterSeconds: 20 });
    expect(unlockTransition(sending, { type: 'resend-refused', error })).toEqual({
      ...code,
      error,
    });
  });

  it.each(['TEXT_UNAVAILABLE', 'MAIL_UNAVAILABLE', 'SERVER_UNREACHABLE'] as const)(
    'when the chosen way fails (%s), then the choice comes back with the error and the attempt is kept',
    (code) => {
      const sending = unlockTransition(S.channel, { type: 'send-requested', channel: 'sms' });
      const error = appError(code);
      expect(unlockTransition(sending, { type: 'send-refused', error })).toEqual({
        ...S.channel,
        error,
      });
    },
  );

  it('when the chosen way is refused for good, then the flow fails', () => {
    const sending = unlockTransition(S.channel, { type: 'send-requested', channel: 'email' });
    const error = appError('ATTEMPT_EXPIRED');
    expect(unlockTransition(sending, { type: 'send-refused', error })).toMatchObject({
      kind: 'failed',
      error,
      canRetry: true,
    });
    expectIgnoredOutside({ type: 'send-refused', error }, 'sending-code');
  });
});

describe('unlock flow: the code', () => {
  it('when a resend is asked for, then a code is being sent, then the new delivery shows', () => {
    expect(unlockTransition(S.code, { type: 'resend-requested' })).toEqual(S.sending);
    const later = { ...delivery, sendsLeft: 1 };
    expect(unlockTransition(S.sending, { type: 'code-sent', delivery: later })).toEqual({
      ...S.code,
      delivery: later,
    });
    expectIgnoredOutside({ type: 'resend-requested' }, 'code');
    expectIgnoredOutside({ type: 'code-sent', delivery }, 'sending-code');
  });

  it('when a resend is refused as too soon, then the code screen says so', () => {
    const error = appError('RESEND_TOO_SOON', { retryAfterSeconds: 30 });
    expect(unlockTransition(S.sending, { type: 'resend-refused', error })).toEqual({
      ...S.code,
      error,
    });
    expectIgnoredOutside({ type: 'resend-refused', error }, 'sending-code');
  });

  it('when a resend finds the attempt expired, then the flow fails', () => {
    const error = appError('ATTEMPT_EXPIRED');
    expect(unlockTransition(S.sending, { type: 'resend-refused', error })).toMatchObject({
      kind: 'failed',
      error,
      canRetry: true,
    });
  });

  it('when a code is submitted, then the server checks it, and a right one asks for the new passcode', () => {
    expect(unlockTransition(S.code, { type: 'code-submitted' })).toEqual(S.checkingCode);
    expectIgnoredOutside({ type: 'code-submitted' }, 'code');
    expect(unlockTransition(S.checkingCode, { type: 'code-accepted' })).toEqual(S.passcode);
    expectIgnoredOutside({ type: 'code-accepted' }, 'checking-code');
  });

  it.each(['CODE_WRONG', 'CODE_EXPIRED', 'CODE_TRIES_EXHAUSTED', 'SERVICE_UNAVAILABLE'] as const)(
    'when the server refuses the code (%s), then the code screen comes back with the error',
    (code) => {
      const error = appError(code);
      expect(unlockTransition(S.checkingCode, { type: 'code-rejected', error })).toEqual({
        ...S.code,
        error,
      });
    },
  );

  it('when the code is refused for another reason, then the flow fails', () => {
    const error = appError('SELF_SERVICE_LOCKED');
    expect(unlockTransition(S.checkingCode, { type: 'code-rejected', error })).toMatchObject({
      kind: 'failed',
      error,
    });
    expectIgnoredOutside({ type: 'code-rejected', error }, 'checking-code');
  });

  it('when the code is malformed, then the code screen shows the error', () => {
    const error = appError('CODE_WRONG');
    expect(unlockTransition(S.code, { type: 'code-invalid', error })).toEqual({ ...S.code, error });
    expectIgnoredOutside({ type: 'code-invalid', error }, 'code');
  });
});

describe('unlock flow: the new passcode and the unblock', () => {
  it('when the passcode breaks the policy, then the passcode screen shows the error', () => {
    const error = appError('VALIDATION_FAILED', { field: 'passcode' });
    expect(unlockTransition(S.passcode, { type: 'passcode-invalid', error })).toEqual({
      ...S.passcode,
      error,
    });
    expectIgnoredOutside({ type: 'passcode-invalid', error }, 'new-passcode');
  });

  it('when a valid passcode is given, then the card is unlocked', () => {
    expect(unlockTransition(S.passcode, { type: 'unblock-started' })).toEqual(S.unblocking);
    expectIgnoredOutside({ type: 'unblock-started' }, 'new-passcode');
  });

  it('shows the unblock sub-steps as progress', () => {
    expect(
      unlockTransition(S.unblocking, { type: 'unblock-progress', step: 'checking-passcode' }),
    ).toEqual({
      ...S.unblocking,
      step: 'checking-passcode',
    });
    expectIgnoredOutside({ type: 'unblock-progress', step: 'checking-passcode' }, 'unblocking');
  });

  it('when the card is unlocked, then the flow is done for the holder', () => {
    expect(unlockTransition(S.unblocking, { type: 'unlocked' })).toEqual(S.done);
    expectIgnoredOutside({ type: 'unlocked' }, 'unblocking');
  });
});

describe('unlock flow: endings', () => {
  it('when the card is removed while it is in use, then it fails with CARD_REMOVED and may start again', () => {
    for (const s of [S.reading, S.proving, S.unblocking]) {
      expect(unlockTransition(s, { type: 'card-removed' })).toEqual({
        kind: 'failed',
        error: appError('CARD_REMOVED'),
        canRetry: true,
      });
    }
    for (const s of [S.idle, S.done, S.failed, S.cardOut])
      expect(unlockTransition(s, { type: 'card-removed' })).toBe(s);
  });

  it('when the card is removed on a form, then the attempt waits for it on the form it was on, without its error', () => {
    const forms = [
      S.questions,
      S.channel,
      S.code,
      S.passcode,
      { ...S.code, error: appError('CODE_WRONG') },
    ] as const;
    for (const s of forms) {
      const { error: _error, ...where } = s as UnlockState & { error?: unknown };
      expect(unlockTransition(s, { type: 'card-removed' })).toEqual({
        kind: 'card-out',
        attempt,
        holderName,
        resume: where,
      });
    }
  });

  it('when the card is removed while the server answers a step that needs no card, then nothing changes yet (the runner pauses after the answer)', () => {
    for (const s of [S.checking, S.sending, S.checkingCode]) {
      expect(unlockTransition(s, { type: 'card-removed' })).toBe(s);
    }
  });

  it('when Continue is pressed, then the card is checked; the same card resumes where it was, none says why', () => {
    expect(unlockTransition(S.cardOut, { type: 'resume-requested' })).toEqual(S.resuming);
    expectIgnoredOutside({ type: 'resume-requested' }, 'card-out');
    expect(unlockTransition(S.resuming, { type: 'card-back' })).toEqual(S.passcode);
    expectIgnoredOutside({ type: 'card-back' }, 'resuming');
    const error = appError('CARD_ABSENT');
    expect(unlockTransition(S.resuming, { type: 'card-not-back', error })).toEqual({
      ...S.cardOut,
      error,
    });
    expect(unlockTransition(S.resuming, { type: 'card-removed' })).toEqual(S.cardOut);
  });

  it('when a step fails, then the flow fails with that error, except from idle or done', () => {
    const error = appError('PUK_BLOCKED');
    for (const s of except('idle', 'done')) {
      expect(unlockTransition(s, { type: 'failed', error })).toEqual({
        kind: 'failed',
        error,
        canRetry: false,
      });
    }
    expect(unlockTransition(S.idle, { type: 'failed', error })).toBe(S.idle);
    expect(unlockTransition(S.done, { type: 'failed', error })).toBe(S.done);
  });

  it('when cancelled from anywhere, then it is idle', () => {
    for (const s of ALL) expect(unlockTransition(s, { type: 'cancel' })).toEqual(UNLOCK_IDLE);
  });
});

describe('unlock flow: derived facts and the view', () => {
  it('knows which states hold an attempt and which are busy', () => {
    expect(ALL.filter((s) => unlockAttemptOf(s) !== null).map((s) => s.kind)).toEqual([
      'questions',
      'checking-answers',
      'channel',
      'code',
      'sending-code',
      'checking-code',
      'new-passcode',
      'unblocking',
      'card-out',
      'resuming',
    ]);
    expect(ALL.filter(isUnlockBusy).map((s) => s.kind)).toEqual([
      'reading-card',
      'proving-card',
      'checking-answers',
      'sending-code',
      'checking-code',
      'unblocking',
      'resuming',
    ]);
  });

  it('gives every state a view that the contract accepts, without the attempt or card identifier', () => {
    for (const s of [
      ...ALL,
      { ...S.code, error: appError('CODE_WRONG') } as UnlockState,
      { ...S.code, delivery: null, error: appError('MAIL_UNAVAILABLE') } as UnlockState,
      { ...S.channel, error: appError('TEXT_UNAVAILABLE') } as UnlockState,
      { ...S.cardOut, error: appError('CARD_IO') } as UnlockState,
    ]) {
      const view = unlockView(s, 'printable-4-8');
      expect(flowViewSchema.parse(view)).toEqual(view);
      expect(JSON.stringify(view)).not.toContain(attempt.attemptId);
      expect(JSON.stringify(view)).not.toContain(attempt.cardId);
    }
    expect(unlockView(S.checkingCode, 'digits-6-8')).toEqual({
      kind: 'busy',
      step: 'checking-code',
    });
    expect(unlockView(S.unblocking, 'digits-6-8')).toEqual({
      kind: 'busy',
      step: 'unlocking-card',
    });
    expect(unlockView(S.passcode, 'digits-6-8')).toEqual({
      kind: 'unlock-new-passcode',
      policy: 'digits-6-8',
    });
    expect(unlockView(S.channel, 'digits-6-8')).toEqual({
      kind: 'unlock-channel',
      holderName,
      contacts: [mobile, email],
    });
    expect(unlockView(S.code, 'digits-6-8')).toEqual({ kind: 'unlock-code', delivery, contacts });
    expect(unlockView(S.cardOut, 'digits-6-8')).toEqual({ kind: 'reinsert-card' });
    expect(unlockView(S.resuming, 'digits-6-8')).toEqual({ kind: 'busy', step: 'reading-card' });
  });
});
