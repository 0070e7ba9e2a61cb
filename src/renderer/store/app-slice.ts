import type { StateCreator } from 'zustand';
import { appError, type AppError } from '../../shared/errors';
import type { AppInfo } from '../../shared/ipc-contract';
import { hasRendererApi, invoke, rendererApi } from '../api';
import type { WizardState } from './wizard-store';

/** Facts about the app and the connection to the main process. */
export interface AppSlice {
  readonly info: AppInfo | null;
  /** 'failed' when the first load could not reach the main process. */
  readonly connection: 'loading' | 'ready' | 'failed';
  readonly connectionError: AppError | null;
  /** Reads the app facts, the flows' steps, the reader status and the current view from main. */
  readonly load: () => Promise<void>;
  /** Subscribes to the main process's events; returns the unsubscribe function. */
  readonly connect: () => () => void;
}

/** Builds the app slice. */
export const createAppSlice: StateCreator<WizardState, [], [], AppSlice> = (set, get) => ({
  info: null,
  connection: 'loading',
  connectionError: null,
  load: async () => {
    if (!hasRendererApi()) {
      set({ connection: 'failed', connectionError: appError('INTERNAL') });
      return;
    }
    const [info, flows, reader, view] = await Promise.all([
      invoke((api) => api.appGetInfo({})),
      invoke((api) => api.flowGetSteps({})),
      invoke((api) => api.readerGetStatus({})),
      invoke((api) => api.flowGetView({})),
    ]);
    if (!info.ok) {
      set({ connection: 'failed', connectionError: info.error });
      return;
    }
    // Without the flows' step lists no screen knows what comes next: as bad as no app facts.
    if (!flows.ok) {
      set({ connection: 'failed', connectionError: flows.error });
      return;
    }
    set({ info: info.value, flows: flows.value, connection: 'ready', connectionError: null });
    if (reader.ok) get().setReaderStatus(reader.value);
    if (view.ok) get().showView(view.value);
  },
  connect: () => {
    if (!hasRendererApi()) return () => undefined;
    const api = rendererApi();
    const offReader = api.onReaderStatusChanged((status) => get().setReaderStatus(status));
    const offView = api.onFlowViewChanged((view) => get().showView(view));
    return () => {
      offReader();
      offView();
    };
  },
});
