import { appError, type AppError } from '../../shared/errors';
import {
  confirmationProblems,
  PASSCODE_POLICIES,
  passcodeProblems,
  type PasscodePolicyName,
} from '../../shared/passcode-policy';
import { ok } from '../../shared/result';
import type { Outcome, ServerClient } from '../server-client/server-client';
import { cardAnswered, cardErrorToAppError, cardGone, readCard } from './card-work';
import type { Step, StepContext } from './flow-step';
import type { UnlockEvent } from './unlock-flow';

// The card side of the PUK release and rotation (docs/decisions/0006-crash-safe-puk-rotation.md),
// in one step so the PUK never outlives it: it is asked for only once the new passcode is known.

/** The server routes of the unblock (the PUK release, the outcome report), and the purpose. */
interface UnblockRoutes {
  /** Set for a forgotten passcode on a card that was not locked; an unlock sends none. */
  readonly purpose?: Outcome['purpose'];
  readonly release: (server: ServerClient, id: string) => ReturnType<ServerClient['unlockUnblock']>;
  readonly report: (
    server: ServerClient,
    id: string,
    outcome: Outcome,
  ) => ReturnType<ServerClient['unlockOutcome']>;
}

type Context = StepContext<UnlockEvent>;

/** The box at fault when a new passcode breaks the policy or its confirmation differs; else null. */
export function newPasscodeProblem(
  policyName: PasscodePolicyName,
  passcode: string,
  confirmation: string,
): 'passcode' | 'confirmation' | null {
  const policy = PASSCODE_POLICIES[policyName];
  if (passcodeProblems(passcode, policy).length > 0) return 'passcode';
  return confirmationProblems(passcode, confirmation).length > 0 ? 'confirmation' : null;
}

/** The new passcode: checked against the policy, then the unblock sets it on the card. */
export function newPasscodeStep(routes: UnblockRoutes): Step<UnlockEvent> {
  return {
    view: 'unlock-new-passcode',
    input: 'none',
    confirmHolder: false,
    progress: 'unlocking-card',
    actions: {
      'set-passcode': {
        from: ['new-passcode'],
        prepare: ({ passcode, confirmation }) =>
          ok(async (context) => {
            const field = newPasscodeProblem(context.passcodePolicy, passcode, confirmation);
            if (field !== null) {
              const error = appError('VALIDATION_FAILED', { field });
              return context.emit({ type: 'passcode-invalid', error });
            }
            context.emit({ type: 'unblock-started' });
            await unblock(context, routes, passcode);
          }),
      },
    },
  };
}

/**
 * The card is read first (a swapped or pulled card costs no PUK release); the server releases
 * the authorisation; the PUK is rotated (the unconfirmed one tried if pending), the passcode reset
 * and verified, and the outcome reported (a success after the done screen and the card's release).
 */
async function unblock(context: Context, routes: UnblockRoutes, passcode: string): Promise<void> {
  const { logger, server, attempt } = context;
  const { attemptId } = attempt;
  let pukOnCard: Outcome['pukOnCard'] = 'previous';
  const report = async (outcome: Outcome['outcome'], failureCode?: string): Promise<void> => {
    const { purpose } = routes;
    const sent = await routes.report(server, attemptId, {
      outcome,
      pukOnCard,
      ...(failureCode === undefined ? {} : { failureCode }),
      ...(purpose === undefined ? {} : { purpose }),
    });
    logger.info('unlock outcome', {
      attemptId,
      outcome,
      pukOnCard,
      failureCode,
      purpose,
      reported: sent.ok,
    });
  };
  const failWith = async (error: AppError, failureCode: string): Promise<void> => {
    await report('failed', failureCode);
    context.emit({ type: 'failed', error });
  };
  // Before the release there is no outcome to report: the attempt is simply cancelled.
  const failBeforeRelease = (failureCode: string): void => {
    logger.info('unlock: stopped before the PUK release', { attemptId, failureCode });
    context.emit({ type: 'failed', error: appError('CARD_REMOVED') });
    context.endAttempt(attempt);
  };

  const opened = await context.cards.open();
  if (!opened.ok) return failBeforeRelease(opened.error.code);
  const card = opened.value.card;
  try {
    const read = await readCard(card);
    if (!read.ok || read.value.cardId !== attempt.cardId) {
      // Another card, or none: nothing was sent to it and nothing was released.
      return failBeforeRelease(read.ok ? 'other-card' : read.error.code);
    }
    const authorisation = await routes.release(server, attemptId);
    if (!authorisation.ok) {
      context.emit({ type: 'failed', error: authorisation.error });
      return context.endIfFailed();
    }
    const { puk, unconfirmedPuk, nextPuk } = authorisation.value;

    // One card operation: the PUK rotated (the unconfirmed PUK tried after a wrong one), the
    // passcode reset with the new PUK, then verified.
    const unblocked = await card.unblock({ puk, unconfirmedPuk, nextPuk, passcode }, (step) => {
      if (step === 'puk-rotated') return logger.info('unlock: PUK rotated', { attemptId });
      logger.info('unlock: passcode reset', { attemptId });
      context.emit({ type: 'unblock-progress', step: 'checking-passcode' });
    });
    if (unblocked.done === 'nothing') {
      const e = unblocked.error;
      const spent = e.code === 'puk-wrong' || e.code === 'puk-blocked';
      pukOnCard = cardAnswered(e) && !spent ? 'previous' : 'unknown';
      const error = cardGone(e) ? appError('CARD_REMOVED') : cardErrorToAppError(e);
      return await failWith(error, `change-puk:${e.code}`);
    }
    pukOnCard = 'next';
    if (unblocked.done === 'puk-rotated') {
      const e = unblocked.error;
      const error = cardGone(e) ? appError('CARD_REMOVED') : cardErrorToAppError(e);
      return await failWith(error, `reset:${e.code}`);
    }
    if (unblocked.done === 'passcode-reset' && !cardGone(unblocked.error)) {
      return await failWith(appError('PASSCODE_REJECTED'), `verify:${unblocked.error.code}`);
    }
    // Pulled after a successful reset, the card is unlocked all the same.
    context.emit({ type: 'unlocked' });
  } finally {
    await opened.value.close();
  }
  // Only the unlocked card gets here. The done screen does not wait for the report: a lost one
  // costs at most one PUK try at the next visit (docs/decisions/0006-crash-safe-puk-rotation.md).
  await report('unlocked');
}
