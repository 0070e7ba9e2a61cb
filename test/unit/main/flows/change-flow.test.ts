import { describe, expect, it } from 'vitest';
import {
  CHANGE_IDLE,
  changeCardOf,
  changeTransition,
  changeView,
  isChangeBusy,
  type ChangeEvent,
  type ChangeState,
} from '../../../../src/main/flows/change-flow';
import { appError } from '../../../../src/shared/errors';
import { flowViewSchema } from '../../../../src/shared/ipc-contract';

const attempt = { attemptId: '', cardId: 'c'.repeat(32) };

/** One example of every state. */
const S = {
  idle: CHANGE_IDLE,
  reading: { kind: 'reading-card' },
  form: { kind: 'change-passcode', attempt, triesLeft: 3 },
  changing: { kind: 'changing', attempt, triesLeft: 3 },
  done: { kind: 'done' },
  failed: { kind: 'failed', error: appError('CARD_REMOVED'), canRetry: true },
} as const satisfies Record<string, ChangeState>;
const ALL: readonly ChangeState[] = Object.values(S);

function expectIgnoredOutside(event: ChangeEvent, ...kinds: ChangeState['kind'][]) {
  for (const state of ALL.filter((s) => !kinds.includes(s.kind))) {
    expect(changeTransition(state, event)).toBe(state);
  }
}

describe('change of passcode: the state machine', () => {
  it('when the card is read and not locked, then the form shows its tries left', () => {
    const read = {
      type: 'card-read',
      cardId: attempt.cardId,
      blocked: false,
      triesLeft: 1,
    } as const;
    expect(changeTransition(S.reading, read)).toEqual({
      kind: 'change-passcode',
      attempt,
      triesLeft: 1,
    });
    expectIgnoredOutside(read, 'reading-card');
  });

  it('when the card is locked, then the flow fails with CARD_LOCKED before any passcode', () => {
    const read = {
      type: 'card-read',
      cardId: attempt.cardId,
      blocked: true,
      triesLeft: 0,
    } as const;
    expect(changeTransition(S.reading, read)).toEqual({
      kind: 'failed',
      error: appError('CARD_LOCKED'),
      canRetry: false,
    });
  });

  it('when the passcodes break the policy, then the form shows why and stays', () => {
    const error = appError('VALIDATION_FAILED', { field: 'passcode' });
    expect(changeTransition(S.form, { type: 'passcodes-invalid', error })).toEqual({
      ...S.form,
      error,
    });
    expectIgnoredOutside({ type: 'passcodes-invalid', error }, 'change-passcode');
  });

  it('when the change starts, then the runner is busy and neither Cancel nor removal interrupts (held)', () => {
    const next = changeTransition(S.form, { type: 'change-started' });
    expect(next).toEqual({ kind: 'changing', attempt, triesLeft: 3 });
    expect(isChangeBusy(next)).toBe(true);
    expect(changeView(next, 'printable-4-8')).toEqual({ kind: 'busy', step: 'changing-passcode' });
    expectIgnoredOutside({ type: 'change-started' }, 'change-passcode');
  });

  it('when the current passcode is wrong, then the form comes back with the tries left', () => {
    const error = appError('PASSCODE_WRONG', { triesLeft: 1 });
    const next = changeTransition(S.changing, { type: 'change-refused', error, triesLeft: 1 });
    expect(next).toEqual({ kind: 'change-passcode', attempt, triesLeft: 1, error });
    expect(changeView(next, 'digits-6-8')).toEqual({
      kind: 'change-passcode',
      policy: 'digits-6-8',
      triesLeft: 1,
      error,
    });
  });

  it('when the card has changed it, then the flow is done; Cancel goes back to idle', () => {
    expect(changeTransition(S.changing, { type: 'changed' })).toEqual({ kind: 'done' });
    expectIgnoredOutside({ type: 'changed' }, 'changing');
    expect(changeTransition(S.form, { type: 'cancel' })).toBe(CHANGE_IDLE);
  });

  it('when the card is pulled on the form, then the flow fails with CARD_REMOVED', () => {
    expect(changeTransition(S.form, { type: 'card-removed' })).toEqual({
      kind: 'failed',
      error: appError('CARD_REMOVED'),
      canRetry: true,
    });
  });

  it('opens no server attempt: the card it read has no attempt id', () => {
    expect(changeCardOf(S.form)).toEqual({ attemptId: '', cardId: attempt.cardId });
    expect(changeCardOf(S.idle)).toBeNull();
  });

  it('gives every state a view the contract accepts, with no passcode in it', () => {
    for (const state of ALL) {
      const view = changeView(state, 'printable-4-8');
      expect(flowViewSchema.parse(view)).toEqual(view);
    }
    expect(changeView(S.done, 'printable-4-8')).toEqual({ kind: 'change-done' });
  });
});
