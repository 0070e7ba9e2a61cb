import type { StateCreator } from 'zustand';
import type { AppError } from '../../shared/errors';
import type { InvokeRequest, ReaderStatus } from '../../shared/ipc-contract';
import { invoke } from '../api';
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
  /** Inserts, removes or locks the virtual card (mock reader mode only). */
  readonly mockControl: (action: MockAction) => Promise<void>;
}

/** Builds the reader slice. */
export const createReaderSlice: StateCreator<WizardState, [], [], ReaderSlice> = (set) => ({
  reader: null,
  readerError: null,
  setReaderStatus: (status) => set({ reader: status, readerError: null }),
  chooseReader: async (readerName) => {
    const result = await invoke((api) => api.readerChoose({ readerName }));
    set(result.ok ? { reader: result.value, readerError: null } : { readerError: result.error });
  },
  mockControl: async (action) => {
    const result = await invoke((api) => api.mockControl({ action }));
    set(result.ok ? { reader: result.value, readerError: null } : { readerError: result.error });
  },
});
