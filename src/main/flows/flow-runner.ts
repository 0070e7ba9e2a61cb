import { createHash } from 'node:crypto';
import { cardProofMessage, type ProofPurpose } from '../../shared/card-identity';
import { appError, type AppError } from '../../shared/errors';
import { answerSchema, unlockCodeSchema, type Answer } from '../../shared/http-api';
import type { AnswerInput, FlowView } from '../../shared/ipc-contract';
import {
  confirmationProblems,
  PASSCODE_POLICIES,
  passcodeProblems,
  type PasscodePolicyName,
} from '../../shared/passcode-policy';
import { err, ok, type Result } from '../../shared/result';
import {
  CARD_ERROR_TO_APP_ERROR,
  type CardError,
  type CardResult,
  type PivCard,
  type PivUnlockCard,
} from '../card/types';
import type { Logger } from '../logging/logger';
import type { Outcome, ServerClient } from '../server-client/server-client';
import { flowView, type ActiveFlow } from './flow-view';
import {
  isRegistrationBusy,
  REGISTRATION_IDLE,
  registrationAttemptOf,
  registrationTransition,
  type RegistrationEvent,
} from './registration-flow';
import {
  isUnlockBusy,
  UNLOCK_IDLE,
  unlockAttemptOf,
  unlockTransition,
  type AttemptRef,
  type UnlockEvent,
} from './unlock-flow';

/**
 * Runs the flows: performs the card and server work each state asks for and feeds the results to
 * the pure transitions. Secrets (passcode, PUKs, code, answers) arrive as arguments and live only
 * in local variables of the step that uses them (see docs/desktop-app.md, "Secrets"): the server
 * checks the code on its own screen, and the PUK is asked for only once the new passcode is known.
 */

/** A card opened for one step; `close` leaves it in the reader. */
export interface CardHandle {
  readonly card: PivUnlockCard;
  close(): Promise<void>;
}

/** Opens the card in the selected reader. */
export interface CardAccess {
  open(): Promise<CardResult<CardHandle>>;
}

/** What the runner needs. */
interface FlowRunnerDeps {
  readonly cards: CardAccess;
  readonly server: ServerClient;
  readonly logger: Logger;
  readonly passcodePolicy: PasscodePolicyName;
  /** Called on every change of view, including the busy steps, for the flow:view-changed event. */
  readonly onView: (view: FlowView) => void;
}

/** A request refused before it changed anything (wrong step, malformed input). */
type FlowResult = Result<FlowView, AppError>;

const sha256 = (text: string): Uint8Array =>
  new Uint8Array(createHash('sha256').update(text, 'utf8').digest());

/** The user-facing error for a card error, with its tries left. */
function cardErrorToAppError(error: CardError): AppError {
  const code = CARD_ERROR_TO_APP_ERROR[error.code];
  return error.triesLeft === undefined
    ? appError(code)
    : appError(code, { triesLeft: error.triesLeft });
}

/** During the unblock, a card that went away is a removed card, whatever the reader said. */
const cardGone = (error: CardError): boolean =>
  error.code === 'card-removed' || error.code === 'card-absent' || error.code === 'reader-missing';

/** Whether the card answered (so we know what it did) rather than the transport failing. */
const cardAnswered = (error: CardError): boolean =>
  error.statusWord !== undefined && !cardGone(error) && error.code !== 'io';

/** The flows' runner: one active flow at a time, one step at a time. */
export class FlowRunner {
  private active: ActiveFlow = { flow: 'none' };
  /** Bumped when an attempt is ended from outside (cancel, card removed): late results are dropped. */
  private epoch = 0;
  private running = false;

  constructor(private readonly deps: FlowRunnerDeps) {}

  /** The current view. */
  view(): FlowView {
    return flowView(this.active, this.deps.passcodePolicy);
  }

  // --- Unlock -----------------------------------------------------------------------------------

  /** Reads the card, opens an attempt and proves the card with 9E: ends on the questions. */
  unlockStart(): Promise<FlowResult> {
    return this.step(['none', 'idle', 'failed', 'done'], 'unlock', async (epoch) => {
      this.active = { flow: 'unlock', state: UNLOCK_IDLE };
      this.unlock(epoch, { type: 'start' });
      await this.withCard(epoch, 'unlock', async (card) => {
        const read = await this.readCard(card);
        if (!read.ok) return this.unlock(epoch, { type: 'failed', error: read.error });
        this.deps.logger.info('unlock: card read', {
          cardId: read.value.cardId,
          blocked: read.value.blocked,
        });
        this.unlock(epoch, {
          type: 'card-read',
          cardId: read.value.cardId,
          blocked: read.value.blocked,
        });
        if (!read.value.blocked) {
          this.deps.logger.info('unlock refused: card not locked', { cardId: read.value.cardId });
          return;
        }
        const attempt = await this.prove(epoch, 'unlock', card, read.value.cardId);
        if (attempt === null) return;
        const proof = await this.deps.server.unlockProof(attempt.ref.attemptId, attempt.signature);
        if (!this.current(epoch)) return this.endAttempt('unlock', attempt.ref);
        if (!proof.ok) {
          this.unlock(epoch, { type: 'failed', error: proof.error });
          return this.endAttempt('unlock', attempt.ref);
        }
        this.deps.logger.info('unlock: card proved', { attemptId: attempt.ref.attemptId });
        this.unlock(epoch, { type: 'card-proved', attempt: attempt.ref, ...proof.value });
      });
    });
  }

  /** Sends the answers; ends on the code screen, or back on the questions with tries left. */
  unlockAnswer(answers: readonly AnswerInput[]): Promise<FlowResult> {
    const checked = checkAnswers(answers);
    if (!checked.ok) return Promise.resolve(checked);
    return this.step(['questions'], 'unlock', async (epoch, attempt) => {
      this.unlock(epoch, { type: 'answers-submitted' });
      const result = await this.deps.server.unlockAnswers(attempt.attemptId, checked.value);
      if (!this.current(epoch)) return;
      if (result.ok) {
        this.deps.logger.info('unlock: answers accepted, code sent', {
          attemptId: attempt.attemptId,
        });
        return this.unlock(epoch, { type: 'answers-accepted', delivery: result.value });
      }
      this.unlock(epoch, { type: 'answers-rejected', error: result.error });
      this.endIfFailed(attempt);
    });
  }

  /** Asks the server for a new code. */
  unlockResendCode(): Promise<FlowResult> {
    return this.step(['code'], 'unlock', async (epoch, attempt) => {
      this.unlock(epoch, { type: 'resend-requested' });
      const result = await this.deps.server.unlockResend(attempt.attemptId);
      if (!this.current(epoch)) return;
      this.unlock(
        epoch,
        result.ok
          ? { type: 'code-sent', delivery: result.value }
          : { type: 'resend-refused', error: result.error },
      );
      this.endIfFailed(attempt);
    });
  }

  /**
   * Checks the code with the server: a right one moves on to the new passcode (nothing secret
   * comes back yet); a wrong or expired one stays on the code screen with what is left.
   */
  unlockSubmitCode(code: string): Promise<FlowResult> {
    return this.step(['code'], 'unlock', async (epoch, attempt) => {
      const parsed = unlockCodeSchema.safeParse(code);
      if (!parsed.success) {
        return this.unlock(epoch, { type: 'code-invalid', error: appError('CODE_WRONG') });
      }
      this.unlock(epoch, { type: 'code-submitted' });
      const result = await this.deps.server.unlockCode(attempt.attemptId, parsed.data);
      if (!this.current(epoch)) return;
      if (result.ok) {
        this.deps.logger.info('unlock: code accepted', { attemptId: attempt.attemptId });
        return this.unlock(epoch, { type: 'code-accepted' });
      }
      this.unlock(epoch, { type: 'code-rejected', error: result.error });
      this.endIfFailed(attempt);
    });
  }

  /** Gets the unblock authorisation, rotates the PUK, resets and verifies the passcode, reports. */
  unlockSetPasscode(passcode: string, confirmation: string): Promise<FlowResult> {
    return this.step(['new-passcode'], 'unlock', async (epoch, attempt) => {
      const policy = PASSCODE_POLICIES[this.deps.passcodePolicy];
      const problem =
        passcodeProblems(passcode, policy).length > 0
          ? 'passcode'
          : confirmationProblems(passcode, confirmation).length > 0
            ? 'confirmation'
            : null;
      if (problem !== null) {
        this.unlock(epoch, {
          type: 'passcode-invalid',
          error: appError('VALIDATION_FAILED', { field: problem }),
        });
        return;
      }
      this.unlock(epoch, { type: 'unblock-started' });
      await this.unblock(epoch, attempt, passcode);
    });
  }

  // --- Registration -----------------------------------------------------------------------------

  /** Logs in with the passcode and proves the card with 9A: ends on the question catalogue. */
  registerStart(passcode: string): Promise<FlowResult> {
    if (!/^[\x20-\x7e]{1,8}$/.test(passcode)) {
      return Promise.resolve(err(appError('VALIDATION_FAILED', { field: 'passcode' })));
    }
    return this.step(['none', 'idle', 'failed', 'done'], 'register', async (epoch) => {
      this.active = { flow: 'register', state: REGISTRATION_IDLE };
      this.register(epoch, { type: 'start' });
      await this.withCard(epoch, 'register', async (card) => {
        const read = await this.readCard(card);
        if (!read.ok) return this.register(epoch, { type: 'failed', error: read.error });
        this.register(epoch, { type: 'card-read', ...read.value });
        // Never a passcode try on a blocked card: the transition has already ended the flow.
        if (read.value.blocked) return;
        const verified = await card.verifyPasscode(passcode);
        if (!this.current(epoch)) return;
        if (!verified.ok) {
          this.deps.logger.info('registration: passcode refused', {
            errorCode: verified.error.code,
            triesLeft: verified.error.triesLeft,
          });
          return this.register(epoch, {
            type: 'failed',
            error: cardErrorToAppError(verified.error),
          });
        }
        const attempt = await this.prove(epoch, 'register', card, read.value.cardId);
        if (attempt === null) return;
        const proof = await this.deps.server.registerProof(
          attempt.ref.attemptId,
          attempt.signature,
        );
        if (!this.current(epoch)) return this.endAttempt('register', attempt.ref);
        if (!proof.ok) {
          this.register(epoch, { type: 'failed', error: proof.error });
          return this.endAttempt('register', attempt.ref);
        }
        this.register(epoch, { type: 'card-proved', attempt: attempt.ref, ...proof.value });
      });
    });
  }

  /** Saves the chosen questions and answers; a code goes to the registered address. */
  registerAnswer(answers: readonly AnswerInput[]): Promise<FlowResult> {
    const checked = checkAnswers(answers);
    if (!checked.ok) return Promise.resolve(checked);
    return this.step(['questions'], 'register', async (epoch, attempt) => {
      this.register(epoch, { type: 'answers-submitted' });
      const result = await this.deps.server.registerAnswers(attempt.attemptId, checked.value);
      if (!this.current(epoch)) return;
      this.register(
        epoch,
        result.ok
          ? { type: 'answers-accepted', delivery: result.value }
          : { type: 'answers-rejected', error: result.error },
      );
      this.endIfFailed(attempt);
    });
  }

  /** Asks for a new confirmation code. */
  registerResendCode(): Promise<FlowResult> {
    return this.step(['code'], 'register', async (epoch, attempt) => {
      this.register(epoch, { type: 'resend-requested' });
      const result = await this.deps.server.registerResend(attempt.attemptId);
      if (!this.current(epoch)) return;
      this.register(
        epoch,
        result.ok
          ? { type: 'code-sent', delivery: result.value }
          : { type: 'resend-refused', error: result.error },
      );
      this.endIfFailed(attempt);
    });
  }

  /** Confirms the address with the code: the registration is complete. */
  registerSubmitCode(code: string): Promise<FlowResult> {
    return this.step(['code'], 'register', async (epoch, attempt) => {
      const parsed = unlockCodeSchema.safeParse(code);
      if (!parsed.success) {
        return this.register(epoch, { type: 'code-invalid', error: appError('CODE_WRONG') });
      }
      this.register(epoch, { type: 'code-submitted' });
      const result = await this.deps.server.registerCode(attempt.attemptId, parsed.data);
      if (!this.current(epoch)) return;
      if (result.ok) {
        this.deps.logger.info('registration complete', { attemptId: attempt.attemptId });
        return this.register(epoch, { type: 'confirmed' });
      }
      this.register(epoch, { type: 'code-rejected', error: result.error });
      this.endIfFailed(attempt);
    });
  }

  // --- Endings ------------------------------------------------------------------------------------

  /** The user ends the flow: the attempt is cancelled on the server. Not during the unblock. */
  cancel(): FlowResult {
    if (this.active.flow === 'unlock' && this.active.state.kind === 'unblocking') {
      // Stopping half-way through the card commands would leave the PUK rotation unknown.
      return err(appError('ATTEMPT_STATE'));
    }
    const attempt = this.attempt();
    this.epoch += 1;
    this.running = false;
    this.active = { flow: 'none' };
    this.emit();
    if (attempt !== null) this.endAttempt(this.flowName(), attempt);
    return ok(this.view());
  }

  /** The card left the reader (or the reader went away): the attempt ends safely. */
  cardRemoved(): void {
    if (this.active.flow === 'none') return;
    // The unblock sees the removal in its own card commands and reports what the card holds.
    if (this.active.flow === 'unlock' && this.active.state.kind === 'unblocking') return;
    const attempt = this.attempt();
    const flow = this.flowName();
    if (this.active.flow === 'unlock') {
      const next = unlockTransition(this.active.state, { type: 'card-removed' });
      if (next === this.active.state) return; // idle, done or failed already
      this.active = { flow: 'unlock', state: next };
    } else {
      const next = registrationTransition(this.active.state, { type: 'card-removed' });
      if (next === this.active.state) return;
      this.active = { flow: 'register', state: next };
    }
    this.epoch += 1;
    this.running = false;
    this.deps.logger.info('card removed: attempt ended', { flow });
    this.emit();
    if (attempt !== null) this.endAttempt(flow, attempt);
  }

  // --- Internals ----------------------------------------------------------------------------------

  private flowName(): 'unlock' | 'register' {
    return this.active.flow === 'register' ? 'register' : 'unlock';
  }

  private attempt(): AttemptRef | null {
    switch (this.active.flow) {
      case 'none':
        return null;
      case 'unlock':
        return unlockAttemptOf(this.active.state);
      case 'register':
        return registrationAttemptOf(this.active.state);
    }
  }

  private stateKind(): string {
    return this.active.flow === 'none' ? 'none' : this.active.state.kind;
  }

  private isBusy(): boolean {
    if (this.active.flow === 'unlock') return isUnlockBusy(this.active.state);
    if (this.active.flow === 'register') return isRegistrationBusy(this.active.state);
    return false;
  }

  /**
   * Runs one step: refuses it unless the flow is in one of `from`, ignores it while another step
   * runs (a double click), and returns the view it ends on.
   */
  private async step(
    from: readonly string[],
    flow: 'unlock' | 'register',
    work: (epoch: number, attempt: AttemptRef) => Promise<void>,
  ): Promise<FlowResult> {
    if (this.running || this.isBusy()) return ok(this.view());
    const starting = from.includes('none');
    const sameFlow = starting || this.active.flow === flow;
    if (!from.includes(this.stateKind()) || !sameFlow) return err(appError('ATTEMPT_STATE'));
    const attempt = this.attempt();
    if (!starting && attempt === null) return err(appError('ATTEMPT_STATE'));
    this.running = true;
    const epoch = this.epoch;
    try {
      await work(epoch, attempt ?? { attemptId: '', cardId: '' });
    } catch (error) {
      // The steps return errors as values; a throw is a bug, reported without its detail.
      this.deps.logger.error('flow step threw', { error });
      if (this.current(epoch)) this.fail(epoch, appError('INTERNAL'));
    } finally {
      if (this.current(epoch)) this.running = false;
    }
    return ok(this.view());
  }

  private current(epoch: number): boolean {
    return epoch === this.epoch;
  }

  private emit(): void {
    this.deps.onView(this.view());
  }

  private unlock(epoch: number, event: UnlockEvent): void {
    if (!this.current(epoch) || this.active.flow !== 'unlock') return;
    this.active = { flow: 'unlock', state: unlockTransition(this.active.state, event) };
    if (this.active.state.kind === 'failed') {
      this.deps.logger.info('unlock failed', { errorCode: this.active.state.error.code });
    }
    this.emit();
  }

  private register(epoch: number, event: RegistrationEvent): void {
    if (!this.current(epoch) || this.active.flow !== 'register') return;
    this.active = { flow: 'register', state: registrationTransition(this.active.state, event) };
    if (this.active.state.kind === 'failed') {
      this.deps.logger.info('registration failed', { errorCode: this.active.state.error.code });
    }
    this.emit();
  }

  private fail(epoch: number, error: AppError): void {
    if (this.active.flow === 'register') this.register(epoch, { type: 'failed', error });
    else this.unlock(epoch, { type: 'failed', error });
  }

  /** After a server refusal ended the flow, the attempt is cancelled too (harmless if gone). */
  private endIfFailed(attempt: AttemptRef): void {
    if (this.active.flow !== 'none' && this.active.state.kind === 'failed') {
      this.endAttempt(this.flowName(), attempt);
    }
  }

  /** Cancels an attempt on the server in the background; failures are only logged. */
  private endAttempt(flow: 'unlock' | 'register', attempt: AttemptRef): void {
    if (attempt.attemptId === '') return;
    const cancel =
      flow === 'unlock'
        ? this.deps.server.unlockCancel(attempt.attemptId)
        : this.deps.server.registerCancel(attempt.attemptId);
    void cancel.then((result) => {
      if (!result.ok) {
        this.deps.logger.warn('attempt not cancelled', {
          attemptId: attempt.attemptId,
          errorCode: result.error.code,
        });
      }
    });
  }

  /** Opens the card for one step and always closes it. */
  private async withCard(
    epoch: number,
    flow: 'unlock' | 'register',
    work: (card: PivCard) => Promise<void>,
  ): Promise<void> {
    const opened = await this.deps.cards.open();
    if (!opened.ok) {
      const error = cardErrorToAppError(opened.error);
      return flow === 'unlock'
        ? this.unlock(epoch, { type: 'failed', error })
        : this.register(epoch, { type: 'failed', error });
    }
    try {
      await work(opened.value.card);
    } finally {
      await opened.value.close();
    }
  }

  /** SELECT, the card identifier, and whether the passcode is blocked (without spending a try). */
  private async readCard(
    card: PivCard,
  ): Promise<Result<{ cardId: string; blocked: boolean }, AppError>> {
    const selected = await card.select();
    if (!selected.ok) return err(cardErrorToAppError(selected.error));
    const cardId = await card.readCardId();
    if (!cardId.ok) return err(cardErrorToAppError(cardId.error));
    const status = await card.passcodeStatus();
    if (!status.ok) return err(cardErrorToAppError(status.error));
    return ok({ cardId: cardId.value, blocked: status.value.blocked });
  }

  /** Opens an attempt and signs its nonce: 9E for unlock, 9A (passcode verified) for registration. */
  private async prove(
    epoch: number,
    purpose: ProofPurpose,
    card: PivCard,
    cardId: string,
  ): Promise<{ ref: AttemptRef; signature: Uint8Array } | null> {
    const started =
      purpose === 'unlock'
        ? await this.deps.server.unlockStart(cardId)
        : await this.deps.server.registerStart(cardId);
    const flow = purpose === 'unlock' ? 'unlock' : 'register';
    if (!started.ok) {
      this.fail(epoch, started.error);
      return null;
    }
    const ref: AttemptRef = { attemptId: started.value.attemptId, cardId };
    if (!this.current(epoch)) {
      this.endAttempt(flow, ref);
      return null;
    }
    const digest = sha256(cardProofMessage(purpose, ref.attemptId, started.value.nonce));
    const signed = await card.sign(purpose === 'unlock' ? '9E' : '9A', digest);
    if (!signed.ok || !this.current(epoch)) {
      if (!signed.ok) this.fail(epoch, cardErrorToAppError(signed.error));
      this.endAttempt(flow, ref);
      return null;
    }
    return { ref, signature: signed.value };
  }

  /**
   * The unblock, in one step so the PUK never outlives it. The card is read first, so a card that
   * was swapped or pulled costs no PUK release; then the server releases the authorisation; the
   * PUK is rotated (trying the unconfirmed PUK if the server still has one pending), the passcode
   * reset and verified on the card, and the outcome reported with what the card holds.
   */
  private async unblock(epoch: number, attempt: AttemptRef, passcode: string): Promise<void> {
    const { logger, server } = this.deps;
    let pukOnCard: Outcome['pukOnCard'] = 'previous';
    const report = async (outcome: Outcome['outcome'], failureCode?: string): Promise<void> => {
      const sent = await server.unlockOutcome(attempt.attemptId, {
        outcome,
        pukOnCard,
        ...(failureCode === undefined ? {} : { failureCode }),
      });
      logger.info('unlock outcome', {
        attemptId: attempt.attemptId,
        outcome,
        pukOnCard,
        failureCode,
        reported: sent.ok,
      });
    };
    const failWith = async (error: AppError, failureCode: string): Promise<void> => {
      await report('failed', failureCode);
      this.unlock(epoch, { type: 'failed', error });
    };
    /** Before the release there is no outcome to report: the attempt is simply cancelled. */
    const failBeforeRelease = (error: AppError, failureCode: string): void => {
      logger.info('unlock: stopped before the PUK release', {
        attemptId: attempt.attemptId,
        failureCode,
      });
      this.unlock(epoch, { type: 'failed', error });
      this.endAttempt('unlock', attempt);
    };

    const opened = await this.deps.cards.open();
    if (!opened.ok) return failBeforeRelease(appError('CARD_REMOVED'), opened.error.code);
    const card = opened.value.card;
    try {
      const read = await this.readCard(card);
      if (!read.ok || read.value.cardId !== attempt.cardId) {
        // Another card, or none: nothing was sent to it and nothing was released.
        return failBeforeRelease(
          appError('CARD_REMOVED'),
          read.ok ? 'other-card' : read.error.code,
        );
      }
      const authorisation = await server.unlockUnblock(attempt.attemptId);
      if (!authorisation.ok) {
        this.unlock(epoch, { type: 'failed', error: authorisation.error });
        return this.endIfFailed(attempt);
      }
      const auth = authorisation.value;

      // One card operation: the PUK rotated (the unconfirmed PUK tried after a wrong one), the
      // passcode reset with the new PUK, then verified.
      const unblocked = await card.unblock(
        { puk: auth.puk, unconfirmedPuk: auth.unconfirmedPuk, nextPuk: auth.nextPuk, passcode },
        (step) => {
          if (step === 'puk-rotated') {
            logger.info('unlock: PUK rotated', { attemptId: attempt.attemptId });
            return;
          }
          logger.info('unlock: passcode reset', { attemptId: attempt.attemptId });
          this.unlock(epoch, { type: 'unblock-progress', step: 'checking-passcode' });
        },
      );
      if (unblocked.done === 'nothing') {
        const e = unblocked.error;
        pukOnCard =
          cardAnswered(e) && e.code !== 'puk-wrong' && e.code !== 'puk-blocked'
            ? 'previous'
            : 'unknown';
        return await failWith(
          cardGone(e) ? appError('CARD_REMOVED') : cardErrorToAppError(e),
          `change-puk:${e.code}`,
        );
      }
      pukOnCard = 'next';
      if (unblocked.done === 'puk-rotated') {
        const e = unblocked.error;
        return await failWith(
          cardGone(e) ? appError('CARD_REMOVED') : cardErrorToAppError(e),
          `reset:${e.code}`,
        );
      }
      if (unblocked.done === 'passcode-reset' && !cardGone(unblocked.error)) {
        return await failWith(appError('PASSCODE_REJECTED'), `verify:${unblocked.error.code}`);
      }
      // Pulled after a successful reset, the card is unlocked all the same.
      await report('unlocked');
      this.unlock(epoch, { type: 'unlocked' });
    } finally {
      await opened.value.close();
    }
  }
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
