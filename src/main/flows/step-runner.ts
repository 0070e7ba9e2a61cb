import { appError, type AppError } from '../../shared/errors';
import type { FlowName, FlowStepList, FlowView } from '../../shared/ipc-contract';
import type { PasscodePolicyName } from '../../shared/passcode-policy';
import { err, ok, type Result } from '../../shared/result';
import type { Logger } from '../logging/logger';
import type { ServerClient } from '../server-client/server-client';
import type { AttemptRef } from './attempt-states';
import { checkCardReturn } from './card-return';
import type { CardAccess } from './card-work';
import type { Action, ActionInputs, ActionName, Step, StepContext } from './flow-step';
import { StepWaits, type Delay } from './step-waits';

// Drives whatever steps a flow lists, knowing nothing of which flow it is: one active flow at a
// time, one action at a time, and the attempt's endings (cancel, a removed card) in one place.

/** A flow: its list of steps over a pure state machine, its view, and how its attempt ends. */
export interface Flow<S extends { readonly kind: string }, E> {
  readonly name: FlowName;
  /** How the logs name it. */
  readonly logName: string;
  readonly idle: S;
  readonly transition: (state: S, event: E) => S;
  readonly view: (state: S, policy: PasscodePolicyName) => FlowView;
  readonly attemptOf: (state: S) => AttemptRef | null;
  readonly isBusy: (state: S) => boolean;
  /** States neither Cancel nor a removed card may interrupt: the step reports its own end. */
  readonly holds: ReadonlySet<string>;
  /** States in which a removed card pauses the attempt until the same card is back (card-pause.ts). */
  readonly pauses: ReadonlySet<string>;
  readonly cancelAttempt: (
    server: ServerClient,
    attemptId: string,
  ) => Promise<Result<void, AppError>>;
  readonly steps: readonly Step<E>[];
  /** The view kind that ends the flow. */
  readonly done: FlowStepList['done'];
}

type State = { readonly kind: string };
/** A flow as the runner holds it: its own types are checked where it is defined. */
export type AnyFlow = Flow<State, unknown>;

/** Hides a flow's own state and event types from the runner (the one cast between them). */
export const anyFlow = <S extends State, E>(flow: Flow<S, E>): AnyFlow =>
  flow as unknown as AnyFlow;

/** What the runner needs. */
interface StepRunnerDeps {
  readonly cards: CardAccess;
  readonly server: ServerClient;
  readonly logger: Logger;
  readonly passcodePolicy: PasscodePolicyName;
  /** Called on every change of view, including the busy steps, for the flow:view-changed event. */
  readonly onView: (view: FlowView) => void;
  /** How a wait sleeps (tests pass one they resolve by hand); timers by default. */
  readonly delay?: Delay;
}

/** A request refused before it changed anything (wrong step, bad input), or the view it ends on. */
type FlowResult = Result<FlowView, AppError>;

const NO_ATTEMPT: AttemptRef = { attemptId: '', cardId: '' };

/** Runs the actions of any flow's steps against its state machine. */
export class StepRunner {
  private active: { readonly flow: AnyFlow; state: State } | null = null;
  /** Bumped when an attempt is ended from outside (cancel, card removed): late results drop. */
  private epoch = 0;
  private running = false;
  /** The card went while the server was answering a step that needs none: pause after it. */
  private removedMeanwhile = false;
  private readonly waits: StepWaits;

  constructor(protected readonly deps: StepRunnerDeps) {
    this.waits = new StepWaits(deps.delay);
  }

  /** The current view. */
  view(): FlowView {
    if (this.active === null) return { kind: 'idle' };
    return this.active.flow.view(this.active.state, this.deps.passcodePolicy);
  }

  /**
   * Runs one action of `flow`: refuses it unless the flow is where one of its steps takes it,
   * ignores it while another runs (a double click), and returns the view it ends on.
   */
  async act<A extends ActionName>(
    flow: AnyFlow,
    name: A,
    input: ActionInputs[A],
  ): Promise<FlowResult> {
    const action = flow.steps.map((step) => step.actions[name]).find((a) => a !== undefined) as
      Action<unknown, A> | undefined;
    if (action === undefined) return err(appError('ATTEMPT_STATE'));
    const work = action.prepare(input);
    if (!work.ok) return work;
    if (this.running || this.isBusy()) return ok(this.view());
    const starting = action.from.includes('none');
    const kind = this.active?.state.kind ?? 'none';
    if (!action.from.includes(kind) || !(starting || this.active?.flow === flow)) {
      return err(appError('ATTEMPT_STATE'));
    }
    const attempt = this.attempt();
    if (!starting && attempt === null) return err(appError('ATTEMPT_STATE'));
    if (starting) this.active = { flow, state: flow.idle };
    const context = this.context(flow, this.epoch, attempt ?? NO_ATTEMPT);
    await this.work(context, () => work.value(context));
    return ok(this.view());
  }

  /**
   * Continue on the screen that asks for the card again: the same card resumes the attempt where
   * it paused; none stays on that screen with the reason; another card starts the flow over.
   */
  async resume(): Promise<FlowResult> {
    const active = this.active;
    if (active === null || active.state.kind !== 'card-out') return err(appError('ATTEMPT_STATE'));
    if (this.running) return ok(this.view());
    const attempt = this.attempt() ?? NO_ATTEMPT;
    const context = this.context(active.flow, this.epoch, attempt);
    const { logger } = this.deps;
    let other = false;
    await this.work(context, async () => {
      context.emit({ type: 'resume-requested' });
      const back = await checkCardReturn(this.deps.cards, attempt);
      if (!context.current()) return;
      if (back.kind === 'unread') return context.emit({ type: 'card-not-back', error: back.error });
      if (back.kind === 'same') {
        logger.info('card back: attempt resumed', { attemptId: attempt.attemptId });
        return context.emit({ type: 'card-back' });
      }
      logger.info('another card: attempt ended, starting over', { why: back.why });
      other = true;
    });
    if (!other || !context.current()) return ok(this.view());
    // Nothing was sent to the other card: the first card's attempt ends, and the flow begins again.
    this.endAttempt(active.flow, attempt);
    this.epoch += 1;
    this.active = null;
    return this.act(active.flow, 'start', {});
  }

  /** The user ends the flow: the attempt is cancelled on the server. Not while a step holds it. */
  cancel(): FlowResult {
    const active = this.active;
    if (active !== null && active.flow.holds.has(active.state.kind)) {
      // Stopping half-way through the card commands would leave the PUK rotation unknown.
      return err(appError('ATTEMPT_STATE'));
    }
    const attempt = this.attempt();
    this.end(null);
    if (active !== null && attempt !== null) this.endAttempt(active.flow, attempt);
    return ok(this.view());
  }

  /**
   * The card left the reader (or the reader went away): the attempt pauses where the flow lets it
   * (the server keeps it), and ends safely anywhere else.
   */
  cardRemoved(): void {
    const active = this.active;
    // A holding step (the unblock) sees the removal in its own card commands and reports it.
    if (active === null || active.flow.holds.has(active.state.kind)) return;
    const { flow, state } = active;
    if (this.running && flow.pauses.has(state.kind) && flow.isBusy(state)) {
      // The server is answering a step that needs no card: its answer is kept, then the pause.
      this.removedMeanwhile = true;
      return;
    }
    const attempt = this.attempt();
    const next = flow.transition(state, { type: 'card-removed' });
    if (next === state) return; // idle, done, failed or paused already
    this.end({ flow, state: next });
    if (next.kind === 'card-out') {
      this.deps.logger.info('card removed: attempt paused', { flow: flow.name });
      return;
    }
    this.deps.logger.info('card removed: attempt ended', { flow: flow.name });
    if (attempt !== null) this.endAttempt(flow, attempt);
  }

  /** Runs a step's work; a throw is a bug, reported without its detail as INTERNAL. */
  private async work(context: StepContext<unknown>, run: () => Promise<void>): Promise<void> {
    const epoch = this.epoch;
    this.running = true;
    try {
      await run();
    } catch (error) {
      this.deps.logger.error('flow step threw', { error });
      context.emit({ type: 'failed', error: appError('INTERNAL') });
    } finally {
      if (epoch === this.epoch) this.running = false;
    }
    if (epoch === this.epoch && this.removedMeanwhile) {
      this.removedMeanwhile = false;
      this.cardRemoved();
    }
  }

  /** Ends whatever runs now: late results are dropped, and the new view is shown. */
  private end(next: StepRunner['active']): void {
    this.epoch += 1;
    this.running = false;
    this.removedMeanwhile = false;
    this.active = next;
    this.waits.wakeAll();
    this.deps.onView(this.view());
  }

  /** Starts the wait of the state the flow rests in now, if its list has one. */
  private startWait(flow: AnyFlow): void {
    const kind = this.active?.flow === flow ? this.active.state.kind : undefined;
    const wait = flow.steps.find((step) => step.waits?.in === kind)?.waits;
    if (kind === undefined || wait === undefined) return;
    const context = this.context(flow, this.epoch, this.attempt() ?? NO_ATTEMPT);
    this.waits.start(
      this.epoch,
      kind,
      () => wait.run(context),
      (error) => {
        this.deps.logger.error('flow wait threw', { error });
        context.emit({ type: 'failed', error: appError('INTERNAL') });
      },
    );
  }

  private attempt(): AttemptRef | null {
    return this.active === null ? null : this.active.flow.attemptOf(this.active.state);
  }

  private isBusy(): boolean {
    return this.active !== null && this.active.flow.isBusy(this.active.state);
  }

  private endAttempt(flow: AnyFlow, attempt: AttemptRef): void {
    if (attempt.attemptId === '') return;
    void flow.cancelAttempt(this.deps.server, attempt.attemptId).then((result) => {
      if (!result.ok) {
        this.deps.logger.warn('attempt not cancelled', {
          attemptId: attempt.attemptId,
          errorCode: result.error.code,
        });
      }
    });
  }

  private context(flow: AnyFlow, epoch: number, attempt: AttemptRef): StepContext<unknown> {
    const { cards, server, logger, passcodePolicy } = this.deps;
    const current = () => epoch === this.epoch;
    const failed = () => this.active?.flow === flow && this.active.state.kind === 'failed';
    return {
      cards,
      server,
      logger,
      passcodePolicy,
      attempt,
      current,
      stateKind: () => this.active?.state.kind ?? 'none',
      state: () => this.active?.state ?? { kind: 'none' },
      sleep: (ms) => this.waits.sleep(ms),
      emit: (event) => {
        if (!current() || this.active?.flow !== flow) return;
        this.active.state = flow.transition(this.active.state, event);
        if (failed()) {
          const { error } = this.active.state as unknown as { readonly error: AppError };
          logger.info(`${flow.logName} failed`, { errorCode: error.code });
        }
        this.deps.onView(this.view());
        this.startWait(flow);
      },
      endAttempt: (ref) => this.endAttempt(flow, ref),
      endIfFailed: () => {
        if (failed()) this.endAttempt(flow, attempt);
      },
    };
  }
}
