import type { AppError } from '../../shared/errors';
import type { AttemptRef } from './attempt-states';

// A removed card pauses an attempt the server still keeps (docs/desktop-app.md, "Card removal"):
// the screen asks for the card again, and only the same card resumes where the holder was.

/** The pause: waiting for the card (`card-out`), or checking the card that came back. */
export interface PausedState {
  readonly kind: 'card-out' | 'resuming';
  readonly attempt: AttemptRef;
  readonly holderName: string;
  /** Where the attempt resumes: the state the holder was in, without its error. */
  readonly resume: { readonly kind: string };
  /** Why the last Continue did not resume: no card in the reader, or one that cannot be read. */
  readonly error?: AppError;
}

/** Continue pressed, and what the check of the card in the reader found. */
export type PauseEvent =
  | { readonly type: 'resume-requested' }
  | { readonly type: 'card-back' }
  | { readonly type: 'card-not-back'; readonly error: AppError };

type Loose = { readonly kind: string } & Readonly<Record<string, unknown>>;

/**
 * The pause's share of a flow's machine. A removal in one of `pauses` keeps the attempt, except in
 * a `busy` one (the runner pauses once the server has answered); any other removal is undefined
 * here, left to the shared endings.
 */
export function pauseReducer(
  pauses: ReadonlySet<string>,
  busy: ReadonlySet<string>,
): (state: Loose, event: { readonly type: string }) => object | undefined {
  return (state, event) => {
    const { attempt, holderName, resume } = state;
    switch (event.type) {
      case 'card-removed': {
        if (state.kind === 'card-out') return state;
        // Pulled again while it was being checked: the check's answer will be dropped.
        if (state.kind === 'resuming') return { kind: 'card-out', attempt, holderName, resume };
        if (!pauses.has(state.kind)) return undefined;
        if (busy.has(state.kind)) return state;
        const { error: _error, ...where } = state;
        return { kind: 'card-out', attempt, holderName, resume: where };
      }
      case 'resume-requested':
        return state.kind === 'card-out'
          ? { kind: 'resuming', attempt, holderName, resume }
          : state;
      case 'card-back':
        return state.kind === 'resuming' ? (resume as object) : state;
      case 'card-not-back': {
        if (state.kind !== 'resuming') return state;
        const { error } = event as Extract<PauseEvent, { type: 'card-not-back' }>;
        return { kind: 'card-out', attempt, holderName, resume, error };
      }
      default:
        return undefined;
    }
  };
}
