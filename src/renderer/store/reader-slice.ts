import type { StateCreator } from 'zustand';
import type { AppError } from '../../shared/errors';
import type { InvokeRequest, ReaderStatus } from '../../shared/ipc-contract';
import { invoke } from '../api';
import { readerProblem } from './flow-slice';
import type { WizardState } from './wizard-store';

/** A development control of the in-process virtual card. */
export type MockAction = InvokeRequest<'mock:control'>['action'];

/** The card reader as the start screen shows it, live from the main process. */
export interface ReaderSlice {
  /** Null until the main process has answered. */
  readonly reader: ReaderStatus | null;
  /** Set when choosing a reader or a development control failed. */
  readonly readerError: AppError | null;
  readonly setReaderStatus: (status: ReaderStatus) => void;
  /** Picks one of several readers that hold a card. */
  readonly chooseReader: (readerName: string) => Promise<void>;
  /** Inserts, removes or locks the virtual card (mock reader mode only); the error, if any. */
  readonly mockControl: (action: MockAction) => Promise<AppError | null>;
}

/** Builds the reader slice. */
export const createReaderSlice: StateCreator<WizardState, [], [], ReaderSlice> = (set, get) => ({
  reader: null,
  readerError: null,
  setReaderStatus: (status) =>
    set((state) => {
      // Start's "no card" (or no reader...) was about the reader as it was: once it changes, the
      // live status says what holds now, and Start asks again when pressed.
      const stale =
        state.actionError !== null &&
        state.reader?.state !== status.state &&
        readerProblem(state.reader)?.code === state.actionError.code;
      return stale
        ? { reader: status, readerError: null, actionError: null }
        : { reader: status, readerError: null };
    }),
  chooseReader: async (readerName) => {
    const result = await invoke((api) => api.readerChoose({ readerName }));
    if (result.ok) get().setReaderStatus(result.value);
    else set({ readerError: result.error });
  },
  mockControl: async (action) => {
    const result = await invoke((api) => api.mockControl({ action }));
    if (!result.ok) {
      set({ readerError: result.error });
      return result.error;
    }
    get().setReaderStatus(result.value);
    return null;
  },
});
