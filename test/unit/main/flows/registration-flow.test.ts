import { describe, expect, it } from 'vitest';
import { registrationView } from '../../../../src/main/flows/flow-view';
import {
  isRegistrationBusy,
  REGISTRATION_IDLE,
  registrationAttemptOf,
  registrationTransition,
  type RegistrationEvent,
  type RegistrationState,
} from '../../../../src/main/flows/registration-flow';
import { appError } from '../../../../src/shared/errors';
import { flowViewSchema } from '../../../../src/shared/ipc-contract';

const attempt = { attemptId: 'attempt_0123456789abcdef', cardId: 'c'.repeat(32) };
const catalogue = [
  { id: 'q1', text: 'What was the make and model of your first car?' },
  { id: 'q2', text: 'What was your childhood phone number, including area code?' },
];
const delivery = {
  channel: 'email' as const,
  maskedAddress: 'j****y@nhs.net',
  codeLength: 8,
  resendAvailableAt: '2026-11-28T12:01:00.000Z',
  sendsLeft: 2,
};
const holderName = 'Mr John Rigby';
const proved = {
  attempt,
  holderName,
  maskedEmail: 'j****y@nhs.net',
  catalogue,
  questionsRequired: 2,
  alreadyRegistered: false,
};

const S = {
  idle: REGISTRATION_IDLE,
  reading: { kind: 'reading-card' },
  proving: { kind: 'proving-card', cardId: attempt.cardId },
  questions: { kind: 'questions', ...proved },
  saving: { kind: 'saving-answers', ...proved },
  code: { kind: 'code', attempt, holderName, delivery },
  sending: { kind: 'sending-code', attempt, holderName, delivery },
  confirming: { kind: 'confirming', attempt, holderName, delivery },
  done: { kind: 'done', holderName },
  failed: { kind: 'failed', error: appError('SERVER_ERROR'), canRetry: true },
} as const satisfies Record<string, RegistrationState>;
const ALL: readonly RegistrationState[] = Object.values(S);
const except = (...kinds: RegistrationState['kind'][]) =>
  ALL.filter((s) => !kinds.includes(s.kind));
function expectIgnoredOutside(event: RegistrationEvent, ...kinds: RegistrationState['kind'][]) {
  for (const state of except(...kinds)) expect(registrationTransition(state, event)).toBe(state);
}

describe('registration flow', () => {
  it('when Register is pressed from idle, failed or done, then the card is read', () => {
    for (const s of [S.idle, S.failed, S.done]) {
      expect(registrationTransition(s, { type: 'start' })).toEqual(S.reading);
    }
    expectIgnoredOutside({ type: 'start' }, 'idle', 'failed', 'done');
  });

  it('when the card is not locked, then it is proved with the passcode', () => {
    const event = { type: 'card-read', cardId: attempt.cardId, blocked: false } as const;
    expect(registrationTransition(S.reading, event)).toEqual(S.proving);
    expectIgnoredOutside(event, 'reading-card');
  });

  it('when the card is locked, then registration fails with CARD_LOCKED (no passcode try is spent)', () => {
    expect(
      registrationTransition(S.reading, {
        type: 'card-read',
        cardId: attempt.cardId,
        blocked: true,
      }),
    ).toEqual({ kind: 'failed', error: appError('CARD_LOCKED'), canRetry: false });
  });

  it('when the card is proved, then the catalogue is offered; a proof for another card is ignored', () => {
    expect(registrationTransition(S.proving, { type: 'card-proved', ...proved })).toEqual(
      S.questions,
    );
    const other = {
      type: 'card-proved',
      ...proved,
      attempt: { ...attempt, cardId: 'd'.repeat(32) },
    } as const;
    expect(registrationTransition(S.proving, other)).toBe(S.proving);
    expectIgnoredOutside({ type: 'card-proved', ...proved }, 'proving-card');
  });

  it('when answers are submitted and saved, then the confirmation code screen follows', () => {
    expect(registrationTransition(S.questions, { type: 'answers-submitted' })).toEqual(S.saving);
    expect(registrationTransition(S.saving, { type: 'answers-accepted', delivery })).toEqual(
      S.code,
    );
    expectIgnoredOutside({ type: 'answers-submitted' }, 'questions');
    expectIgnoredOutside({ type: 'answers-accepted', delivery }, 'saving-answers');
  });

  it('when an answer is refused as malformed, then the questions come back with the error', () => {
    const error = appError('VALIDATION_FAILED');
    expect(registrationTransition(S.saving, { type: 'answers-rejected', error })).toEqual({
      ...S.questions,
      error,
    });
  });

  it('when the answers are saved but the email fails, then the code screen offers Resend with no delivery', () => {
    const error = appError('MAIL_UNAVAILABLE');
    const notSent = registrationTransition(S.saving, { type: 'answers-rejected', error });
    expect(notSent).toEqual({ ...S.code, delivery: null, error });
    expect(registrationTransition(notSent, { type: 'code-submitted' })).toBe(notSent);
    const sending = registrationTransition(notSent, { type: 'resend-requested' });
    expect(sending).toEqual({ ...S.sending, delivery: null });
    expect(registrationTransition(sending, { type: 'code-sent', delivery })).toEqual(S.code);
  });

  it('when the answers are refused because the attempt ended, then the flow fails', () => {
    const error = appError('ATTEMPT_EXPIRED');
    expect(registrationTransition(S.saving, { type: 'answers-rejected', error })).toMatchObject({
      kind: 'failed',
      error,
    });
    expectIgnoredOutside({ type: 'answers-rejected', error }, 'saving-answers');
  });

  it('resends a code, and shows a refusal on the code screen or ends on a fatal one', () => {
    expect(registrationTransition(S.code, { type: 'resend-requested' })).toEqual(S.sending);
    expect(registrationTransition(S.sending, { type: 'code-sent', delivery })).toEqual(S.code);
    const soon = appError('RESEND_TOO_SOON');
    expect(registrationTransition(S.sending, { type: 'resend-refused', error: soon })).toEqual({
      ...S.code,
      error: soon,
    });
    const gone = appError('ATTEMPT_NOT_FOUND');
    expect(
      registrationTransition(S.sending, { type: 'resend-refused', error: gone }),
    ).toMatchObject({
      kind: 'failed',
    });
    expectIgnoredOutside({ type: 'resend-requested' }, 'code');
    expectIgnoredOutside({ type: 'code-sent', delivery }, 'sending-code');
    expectIgnoredOutside({ type: 'resend-refused', error: soon }, 'sending-code');
  });

  it('when the code is submitted and confirmed, then the registration is done', () => {
    expect(registrationTransition(S.code, { type: 'code-submitted' })).toEqual(S.confirming);
    expect(registrationTransition(S.confirming, { type: 'confirmed' })).toEqual(S.done);
    expectIgnoredOutside({ type: 'code-submitted' }, 'code');
    expectIgnoredOutside({ type: 'confirmed' }, 'confirming');
  });

  it('when the code is malformed or wrong, then the code screen shows it; other refusals end the flow', () => {
    const wrong = appError('CODE_WRONG', { triesLeft: 4 });
    expect(registrationTransition(S.code, { type: 'code-invalid', error: wrong })).toEqual({
      ...S.code,
      error: wrong,
    });
    expect(registrationTransition(S.confirming, { type: 'code-rejected', error: wrong })).toEqual({
      ...S.code,
      error: wrong,
    });
    const fatal = appError('ATTEMPT_EXPIRED');
    expect(
      registrationTransition(S.confirming, { type: 'code-rejected', error: fatal }),
    ).toMatchObject({
      kind: 'failed',
    });
    expectIgnoredOutside({ type: 'code-invalid', error: wrong }, 'code');
    expectIgnoredOutside({ type: 'code-rejected', error: wrong }, 'confirming');
  });

  it('when the card is removed mid-way, then CARD_REMOVED; when cancelled, then idle; when a step fails, then failed', () => {
    for (const s of except('idle', 'done', 'failed')) {
      expect(registrationTransition(s, { type: 'card-removed' })).toMatchObject({
        kind: 'failed',
        error: { code: 'CARD_REMOVED' },
      });
    }
    for (const s of [S.idle, S.done, S.failed])
      expect(registrationTransition(s, { type: 'card-removed' })).toBe(s);
    for (const s of ALL)
      expect(registrationTransition(s, { type: 'cancel' })).toEqual(REGISTRATION_IDLE);
    const error = appError('PASSCODE_WRONG', { triesLeft: 2 });
    for (const s of except('idle', 'done')) {
      expect(registrationTransition(s, { type: 'failed', error })).toEqual({
        kind: 'failed',
        error,
        canRetry: true,
      });
    }
    expect(registrationTransition(S.done, { type: 'failed', error })).toBe(S.done);
  });

  it('derives attempts, busy states and contract-valid views without identifiers', () => {
    expect(ALL.filter((s) => registrationAttemptOf(s) !== null).map((s) => s.kind)).toEqual([
      'questions',
      'saving-answers',
      'code',
      'sending-code',
      'confirming',
    ]);
    expect(ALL.filter(isRegistrationBusy).map((s) => s.kind)).toEqual([
      'reading-card',
      'proving-card',
      'saving-answers',
      'sending-code',
      'confirming',
    ]);
    for (const s of ALL) {
      const view = registrationView(s);
      expect(flowViewSchema.parse(view)).toEqual(view);
      expect(JSON.stringify(view)).not.toContain(attempt.attemptId);
    }
    expect(registrationView(S.confirming)).toEqual({ kind: 'busy', step: 'registering' });
  });
});
