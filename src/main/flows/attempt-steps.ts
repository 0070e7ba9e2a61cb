import { createHash } from 'node:crypto';
import { cardProofMessage, type ProofPurpose } from '../../shared/card-identity';
import { appError, type AppError } from '../../shared/errors';
import { answerSchema, unlockCodeSchema, type Answer } from '../../shared/http-api';
import type { AnswerInput, FlowStep } from '../../shared/ipc-contract';
import { err, ok, type Result } from '../../shared/result';
import type { PivCard, PivUnlockCard } from '../card/types';
import type { ServerClient, ServerResult } from '../server-client/server-client';
import type { AttemptEvent, AttemptRef } from './attempt-states';
import { cardErrorToAppError, readCard } from './card-work';
import type { Step, StepContext } from './flow-step';

// The steps the flows share (prove the card, answer, receive and enter a code), each built for a
// flow from its server routes. Secrets arrive as action input and live only in the step's work.

/** One flow's server routes, looked up on the client at each call. */
export interface AttemptRoutes<P> {
  readonly start: (server: ServerClient, cardId: string) => ReturnType<ServerClient['unlockStart']>;
  readonly proof: (
    server: ServerClient,
    attemptId: string,
    signature: Uint8Array,
  ) => Promise<ServerResult<P>>;
  readonly answers: (
    server: ServerClient,
    attemptId: string,
    answers: readonly Answer[],
  ) => ReturnType<ServerClient['unlockAnswers']>;
  readonly resend: (server: ServerClient, id: string) => ReturnType<ServerClient['unlockResend']>;
  readonly code: (server: ServerClient, id: string, code: string) => Promise<ServerResult<unknown>>;
  readonly cancel: (server: ServerClient, id: string) => ReturnType<ServerClient['unlockCancel']>;
}

/** What every shared step is told about its flow. */
interface SharedOptions<P> {
  readonly routes: AttemptRoutes<P>;
  /** How the logs name the flow. */
  readonly log: string;
}

type Context<P> = StepContext<AttemptEvent<P>>;
const FIRST = ['none', 'idle', 'failed', 'done'];

/**
 * Reads the card, opens an attempt and signs its nonce: 9E for an unlock (no passcode), 9A after
 * the holder's passcode for a registration. Ends on the questions, or failed.
 */
export function proveStep<P>(
  options: SharedOptions<P> & { readonly purpose: ProofPurpose },
): Step<AttemptEvent<P>> {
  const withPasscode = options.purpose === 'register';
  return {
    view: null,
    input: withPasscode ? 'passcode' : 'none',
    confirmHolder: false,
    progress: 'reading-card',
    actions: {
      start: {
        from: FIRST,
        prepare: ({ passcode }) => {
          // Anything else could never be a card passcode: refused before the card is touched.
          if (withPasscode && !/^[\x20-\x7e]{1,8}$/.test(passcode ?? '')) {
            return err(appError('VALIDATION_FAILED', { field: 'passcode' }));
          }
          return ok((context) => prove(context, options, passcode ?? null));
        },
      },
    },
  };
}

async function prove<P>(
  context: Context<P>,
  options: SharedOptions<P> & { readonly purpose: ProofPurpose },
  passcode: string | null,
): Promise<void> {
  const { logger } = context;
  context.emit({ type: 'start' });
  await withCard(context, async (card) => {
    const read = await readCard(card);
    if (!read.ok) return context.emit({ type: 'failed', error: read.error });
    logger.info(`${options.log}: card read`, { ...read.value });
    context.emit({ type: 'card-read', ...read.value });
    // A card the flow must not touch (locked for a registration, not locked for an unlock): the
    // transition has already ended the flow, before any passcode try.
    if (context.stateKind() !== 'proving-card') {
      return logger.info(`${options.log} refused: card state`, { ...read.value });
    }
    if (passcode !== null) {
      const verified = await card.verifyPasscode(passcode);
      if (!context.current()) return;
      if (!verified.ok) {
        logger.info(`${options.log}: passcode refused`, {
          errorCode: verified.error.code,
          triesLeft: verified.error.triesLeft,
        });
        return context.emit({ type: 'failed', error: cardErrorToAppError(verified.error) });
      }
    }
    const signed = await signNonce(context, options, card, read.value.cardId);
    if (signed === null) return;
    const proof = await options.routes.proof(
      context.server,
      signed.ref.attemptId,
      signed.signature,
    );
    if (!context.current()) return context.endAttempt(signed.ref);
    if (!proof.ok && proof.error.details?.assistedUnlock === true) {
      // Kept for the desk's approval, where the flow has that step; else it ends like any other.
      context.emit({ type: 'held', attempt: signed.ref, error: proof.error });
      if (context.stateKind() !== 'proving-card') return;
    }
    if (!proof.ok) {
      context.emit({ type: 'failed', error: proof.error });
      return context.endAttempt(signed.ref);
    }
    logger.info(`${options.log}: card proved`, { attemptId: signed.ref.attemptId });
    context.emit({ type: 'card-proved', attempt: signed.ref, ...proof.value });
  });
}

/** Opens an attempt and signs its nonce; null when it failed or the attempt ended meanwhile. */
async function signNonce<P>(
  context: Context<P>,
  options: SharedOptions<P> & { readonly purpose: ProofPurpose },
  card: PivCard,
  cardId: string,
): Promise<{ ref: AttemptRef; signature: Uint8Array } | null> {
  const started = await options.routes.start(context.server, cardId);
  if (!started.ok) {
    context.emit({ type: 'failed', error: started.error });
    return null;
  }
  const ref: AttemptRef = { attemptId: started.value.attemptId, cardId };
  if (!context.current()) {
    context.endAttempt(ref);
    return null;
  }
  const message = cardProofMessage(options.purpose, ref.attemptId, started.value.nonce);
  const digest = new Uint8Array(createHash('sha256').update(message, 'utf8').digest());
  const slot = options.purpose === 'unlock' ? '9E' : '9A';
  const signed = await card.sign(slot, digest);
  if (!signed.ok || !context.current()) {
    if (!signed.ok) context.emit({ type: 'failed', error: cardErrorToAppError(signed.error) });
    context.endAttempt(ref);
    return null;
  }
  // Kept with the attempt: a card put back must sign with the key this proof shows.
  const proof = { slot, message, signature: signed.value } as const;
  return { ref: { ...ref, proof }, signature: signed.value };
}

/** Opens the card for one step and always closes it; a card that will not open fails the flow. */
async function withCard<P>(
  context: Context<P>,
  work: (card: PivUnlockCard) => Promise<void>,
): Promise<void> {
  const opened = await context.cards.open();
  if (!opened.ok) {
    return context.emit({ type: 'failed', error: cardErrorToAppError(opened.error) });
  }
  try {
    await work(opened.value.card);
  } finally {
    await opened.value.close();
  }
}

/**
 * The questions: answers sent to the server; right ones send a code to the holder's address, or,
 * when the holder has two, lead to the choice of where it goes.
 */
export function answersStep<P>(
  options: SharedOptions<P> & Pick<FlowStep, 'view' | 'confirmHolder' | 'progress'>,
): Step<AttemptEvent<P>> {
  const { routes, log, ...screen } = options;
  return {
    ...screen,
    input: 'none',
    actions: {
      answer: {
        from: ['questions'],
        prepare: ({ answers }) => {
          const checked = checkAnswers(answers);
          if (!checked.ok) return checked;
          return ok(async (context) => {
            const { attemptId } = context.attempt;
            context.emit({ type: 'answers-submitted' });
            const result = await routes.answers(context.server, attemptId, checked.value);
            if (!context.current()) return;
            if (!result.ok) {
              context.emit({ type: 'answers-rejected', error: result.error });
              return context.endIfFailed();
            }
            const accepted = result.value;
            if ('next' in accepted) {
              context.logger.info(`${log}: answers accepted, channel next`, { attemptId });
              return context.emit({ type: 'channel-next' });
            }
            context.logger.info(`${log}: answers accepted, code sent`, { attemptId });
            context.emit({ type: 'answers-accepted', delivery: accepted });
          });
        },
      },
    },
  };
}

/** Checks the answers before they leave: each trimmed and non-empty, no question twice. */
function checkAnswers(answers: readonly AnswerInput[]): Result<Answer[], AppError> {
  const out: Answer[] = [];
  const seen = new Set<string>();
  for (const [index, answer] of answers.entries()) {
    const parsed = answerSchema.safeParse(answer);
    if (!parsed.success || seen.has(answer.questionId)) {
      return err(appError('VALIDATION_FAILED', { field: `answers.${index}` }));
    }
    seen.add(answer.questionId);
    out.push(parsed.data);
  }
  return ok(out);
}

/**
 * The code: resent on request, and checked by the server as soon as it is entered. A right one
 * feeds `accepted` to the flow; a wrong or expired one stays on the code screen.
 */
export function codeStep<P, X extends { readonly type: string }>(
  options: SharedOptions<P> &
    Pick<FlowStep, 'view' | 'progress'> & { readonly accepted: X; readonly acceptedLog: string },
): Step<AttemptEvent<P> | X> {
  const { routes, accepted, acceptedLog, view, progress } = options;
  return {
    view,
    progress,
    input: 'none',
    confirmHolder: false,
    actions: {
      'resend-code': {
        from: ['code'],
        prepare: () =>
          ok(async (context) => {
            context.emit({ type: 'resend-requested' });
            const result = await routes.resend(context.server, context.attempt.attemptId);
            if (!context.current()) return;
            context.emit(
              result.ok
                ? { type: 'code-sent', delivery: result.value }
                : { type: 'resend-refused', error: result.error },
            );
            context.endIfFailed();
          }),
      },
      'submit-code': {
        from: ['code'],
        prepare: ({ code }) =>
          ok(async (context) => {
            const parsed = unlockCodeSchema.safeParse(code);
            if (!parsed.success) {
              return context.emit({ type: 'code-invalid', error: appError('CODE_WRONG') });
            }
            const { attemptId } = context.attempt;
            context.emit({ type: 'code-submitted' });
            const result = await routes.code(context.server, attemptId, parsed.data);
            if (!context.current()) return;
            if (result.ok) {
              context.logger.info(acceptedLog, { attemptId });
              return context.emit(accepted);
            }
            context.emit({ type: 'code-rejected', error: result.error });
            context.endIfFailed();
          }),
      },
    },
  };
}
