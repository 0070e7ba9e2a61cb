import type { AppError } from '../../shared/errors';
import type { AnswerInput, FlowAction, FlowStep, InvokeRequest } from '../../shared/ipc-contract';
import type { PasscodePolicyName } from '../../shared/passcode-policy';
import type { Result } from '../../shared/result';
import type { Logger } from '../logging/logger';
import type { ServerClient } from '../server-client/server-client';
import type { AttemptRef } from './attempt-states';
import type { CardAccess } from './card-work';

// What a flow's steps are made of, as the step runner (step-runner.ts) drives them: actions with
// their inputs and checked work, the context the work sees, and a step's wait.

/** An action of a step: the `<flow>:<action>` channel of the IPC contract that asks for it. */
export type ActionName = FlowAction;

/** Each action's input: the request of its channel, as the runner's callers hold it. */
export interface ActionInputs {
  readonly start: { readonly passcode?: string };
  readonly answer: { readonly answers: readonly AnswerInput[] };
  readonly 'send-code': InvokeRequest<'unlock:send-code'>;
  readonly 'resend-code': InvokeRequest<'unlock:resend-code'>;
  readonly 'submit-code': InvokeRequest<'unlock:submit-code'>;
  readonly 'set-passcode': InvokeRequest<'unlock:set-passcode'>;
  readonly 'submit-passcodes': InvokeRequest<'change:submit-passcodes'>;
  readonly 'ask-desk': InvokeRequest<'unlock:ask-desk'>;
}

/** What a step's work may do: feed events to its flow, reach card and server, end the attempt. */
export interface StepContext<E> {
  readonly cards: CardAccess;
  readonly server: ServerClient;
  readonly logger: Logger;
  readonly passcodePolicy: PasscodePolicyName;
  /** The attempt the step works in; empty identifiers for a flow's first step. */
  readonly attempt: AttemptRef;
  /** Feeds an event to the flow and shows the new view, unless the attempt ended meanwhile. */
  emit(event: E): void;
  /** Whether the attempt is still the one the step began in (not cancelled, card not removed). */
  current(): boolean;
  /** The kind of the flow's state now, for a step that goes on only where the flow let it. */
  stateKind(): string;
  /** The flow's state now, for a wait that reads what its state holds. */
  state(): { readonly kind: string };
  /** Sleeps `ms`, or less when the attempt ends meanwhile. */
  sleep(ms: number): Promise<void>;
  /** Cancels an attempt on the server in the background; failures are only logged. */
  endAttempt(attempt: AttemptRef): void;
  /** After a refusal ended the flow, cancels the attempt too (harmless if already gone). */
  endIfFailed(): void;
}

/** An action's work, once its input has passed its check. */
type Work<E> = (context: StepContext<E>) => Promise<void>;

/** One action: the states it may begin from ('none' for a flow's first) and its checked work. */
export interface Action<E, A extends ActionName> {
  readonly from: readonly string[];
  /** Checks the input before anything changes: a refusal is returned as it is. */
  readonly prepare: (input: ActionInputs[A]) => Result<Work<E>, AppError>;
}

/** One entry of a flow's list: how the screens ask for it (a FlowStep), and its actions. */
export interface Step<E> extends FlowStep {
  readonly actions: { readonly [A in ActionName]?: Action<E, A> };
  /** Work that runs while the flow rests in state `in` (step-waits.ts). */
  readonly waits?: { readonly in: string; readonly run: Work<E> };
}
