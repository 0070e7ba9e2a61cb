import type { DomainDeps } from '../deps';
import type { DomainResult, RequestContext, StepShapes } from '../ports';
import type { AttemptKind, AttemptRecord, AttemptState } from '../repository-ports';

/** What a step runs with: the live attempt the engine loaded and its audit line's head. */
export interface StepRun {
  readonly deps: DomainDeps;
  readonly ctx: RequestContext;
  readonly attempt: AttemptRecord;
  /** The card, the attempt and the step's audit action (`unlock.answers`). */
  readonly base: { readonly cardId: string; readonly attemptId: string; readonly action: string };
}

/** One step of a flow: the engine loads the attempt and checks its state; the step checks the rest. */
export interface Step<I, O> {
  /** The audit action after the flow's kind: `answers` is audited as `unlock.answers`. */
  readonly action: string;
  /** The state the attempt must be in; left out by a step that checks for itself. */
  readonly from?: AttemptState;
  /** What a refused load becomes, for a step that must not tell why (the proof). */
  readonly whenNotLive?: (
    deps: DomainDeps,
    attemptId: string,
    kind: AttemptKind,
    refused: DomainResult<never>,
  ) => Promise<DomainResult<never>>;
  run(s: StepRun, input: I): Promise<DomainResult<O>>;
}

/** A flow: its attempts' kind and its steps by name, in the order a holder meets them. */
export interface Flow<S extends StepShapes> {
  readonly kind: AttemptKind;
  readonly steps: { readonly [K in keyof S]: Step<S[K]['input'], S[K]['output']> };
}
