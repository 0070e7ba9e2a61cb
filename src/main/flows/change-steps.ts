import { appError, type AppError } from '../../shared/errors';
import { err, ok } from '../../shared/result';
import type { ChangeEvent } from './change-flow';
import { cardErrorToAppError, cardGone, readCard } from './card-work';
import type { Step, StepContext } from './flow-step';
import { newPasscodeProblem } from './unblock';

// The change of passcode's work: the card read, then CHANGE REFERENCE DATA on the passcode. The
// passcodes live in these functions' arguments only; the last try is spent only with consent.

type Context = StepContext<ChangeEvent>;

/** A card error as the change's screens tell it: a card that went away is a removed card. */
const changeError = (error: Parameters<typeof cardErrorToAppError>[0]): AppError =>
  cardGone(error) ? appError('CARD_REMOVED') : cardErrorToAppError(error);

/** Reads the card's identifier and its passcode tries without spending one. */
export function readPasscodeTriesStep(): Step<ChangeEvent> {
  return {
    view: null,
    input: 'none',
    confirmHolder: false,
    progress: 'reading-card',
    actions: {
      start: {
        from: ['none', 'idle', 'failed', 'done'],
        prepare: () =>
          ok(async (context) => {
            context.emit({ type: 'start' });
            const opened = await context.cards.open();
            if (!opened.ok)
              return context.emit({ type: 'failed', error: changeError(opened.error) });
            try {
              const read = await readCard(opened.value.card);
              if (!read.ok) return context.emit({ type: 'failed', error: read.error });
              context.logger.info('change: card read', { ...read.value });
              context.emit({ type: 'card-read', ...read.value });
            } finally {
              await opened.value.close();
            }
          }),
      },
    },
  };
}

/**
 * The current passcode and the new one twice: the new one is checked against the policy, then the
 * card changes it. A wrong current passcode brings the form back with the tries left.
 */
export function changePasscodeStep(): Step<ChangeEvent> {
  return {
    view: 'change-passcode',
    input: 'none',
    confirmHolder: false,
    progress: 'changing-passcode',
    actions: {
      'submit-passcodes': {
        from: ['change-passcode'],
        prepare: ({ current, passcode, confirmation, spendLastTry }) => {
          // Anything else could never be a card passcode: refused before the card is touched.
          if (!/^[\x20-\x7e]{1,8}$/.test(current)) {
            return err(appError('VALIDATION_FAILED', { field: 'current' }));
          }
          return ok(async (context) => {
            const field = newPasscodeProblem(context.passcodePolicy, passcode, confirmation);
            if (field !== null) {
              const error = appError('VALIDATION_FAILED', { field });
              return context.emit({ type: 'passcodes-invalid', error });
            }
            context.emit({ type: 'change-started' });
            await changeOnCard(context, current, passcode, spendLastTry);
          });
        },
      },
    },
  };
}

/** The same card as at the start, then the change in one card operation (status and command). */
async function changeOnCard(
  context: Context,
  current: string,
  next: string,
  spendLastTry: boolean,
): Promise<void> {
  const { logger } = context;
  const opened = await context.cards.open();
  if (!opened.ok) return context.emit({ type: 'failed', error: changeError(opened.error) });
  const { card } = opened.value;
  try {
    const read = await readCard(card);
    if (!read.ok || read.value.cardId !== context.attempt.cardId) {
      logger.info('change: card gone or swapped', {
        errorCode: read.ok ? 'other-card' : read.error.code,
      });
      return context.emit({ type: 'failed', error: appError('CARD_REMOVED') });
    }
    const changed = await card.changePasscode(current, next, spendLastTry);
    if (changed.ok) {
      logger.info('change: passcode changed', { cardId: read.value.cardId });
      return context.emit({ type: 'changed' });
    }
    const { code, triesLeft } = changed.error;
    logger.info('change: refused by the card', { errorCode: code, triesLeft });
    if (code === 'passcode-wrong' && triesLeft !== undefined && triesLeft > 0) {
      const error = cardErrorToAppError(changed.error);
      return context.emit({ type: 'change-refused', error, triesLeft });
    }
    if (code === 'last-try') {
      const error = appError('VALIDATION_FAILED', { field: 'spendLastTry', triesLeft: 1 });
      return context.emit({ type: 'change-refused', error, triesLeft: 1 });
    }
    if (code === 'wrong-data') {
      const error = appError('PASSCODE_REJECTED');
      return context.emit({ type: 'change-refused', error, triesLeft: read.value.triesLeft });
    }
    context.emit({ type: 'failed', error: changeError(changed.error) });
  } finally {
    await opened.value.close();
  }
}
