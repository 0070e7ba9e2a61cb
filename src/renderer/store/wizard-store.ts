import { create } from 'zustand';
import { createAppSlice, type AppSlice } from './app-slice';
import { createDiagnosticsSlice, type DiagnosticsSlice } from './diagnostics-slice';
import { createFlowSlice, type FlowSlice } from './flow-slice';
import { createReaderSlice, type ReaderSlice } from './reader-slice';

/** The whole renderer state: one store made of slices, actions inside. */
export type WizardState = AppSlice & ReaderSlice & FlowSlice & DiagnosticsSlice;

/**
 * The wizard's store. Components read it through narrow selectors (`useShallow` for objects);
 * it never holds a passcode, an answer or a code.
 */
export const useWizardStore = create<WizardState>()((...args) => ({
  ...createAppSlice(...args),
  ...createReaderSlice(...args),
  ...createFlowSlice(...args),
  ...createDiagnosticsSlice(...args),
}));
