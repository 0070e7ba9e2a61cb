import type { StateCreator } from 'zustand';
import type { DiagnosticsReport } from '../../shared/diagnostics-report';
import type { AppError } from '../../shared/errors';
import { invoke } from '../api';
import type { WizardState } from './wizard-store';

/** The diagnostics screen: closed, collecting (seconds: the server check), shown, or failed. */
type DiagnosticsState =
  | { readonly status: 'closed' }
  | { readonly status: 'loading' }
  | { readonly status: 'ready'; readonly report: DiagnosticsReport }
  | { readonly status: 'failed'; readonly error: AppError };

/**
 * The "About and diagnostics" screen. It covers the wizard without touching it: the flow's view,
 * the step on screen and whatever was typed there stay as they were, so Back returns to them.
 */
export interface DiagnosticsSlice {
  readonly diagnostics: DiagnosticsState;
  /** Opens the screen and collects a report. */
  readonly openDiagnostics: () => Promise<void>;
  /** Collects a fresh report (Check again, Try again). */
  readonly refreshDiagnostics: () => Promise<void>;
  /** Back to the wizard; a report still being collected is dropped when it comes. */
  readonly closeDiagnostics: () => void;
}

/** Whether the diagnostics screen covers the wizard. */
export const selectDiagnosticsOpen = (state: WizardState): boolean =>
  state.diagnostics.status !== 'closed';

/** Builds the diagnostics slice. */
export const createDiagnosticsSlice: StateCreator<WizardState, [], [], DiagnosticsSlice> = (
  set,
  get,
) => {
  // Each collection is numbered, so a late answer (after Back, or after Check again) is dropped.
  let latest = 0;
  const collect = async (): Promise<void> => {
    latest += 1;
    const request = latest;
    set({ diagnostics: { status: 'loading' } });
    const result = await invoke((api) => api.appGetDiagnostics({}));
    if (request !== latest || get().diagnostics.status === 'closed') return;
    set({
      diagnostics: result.ok
        ? { status: 'ready', report: result.value }
        : { status: 'failed', error: result.error },
    });
  };
  return {
    diagnostics: { status: 'closed' },
    openDiagnostics: collect,
    refreshDiagnostics: collect,
    closeDiagnostics: () => {
      latest += 1;
      set({ diagnostics: { status: 'closed' } });
    },
  };
};
