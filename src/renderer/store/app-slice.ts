import type { StateCreator } from 'zustand';
import { appError, type AppError } from '../../shared/errors';
import type { AppInfo, UnlockService } from '../../shared/ipc-contract';
import { hasRendererApi, invoke, rendererApi } from '../api';
import type { WizardState } from './wizard-store';

/** Facts about the app and the connection to the main process. */
export interface AppSlice {
  readonly info: AppInfo | null;
  /** 'failed' when the first load could not reach the main process. */
  readonly connection: 'loading' | 'ready' | 'failed';
  readonly connectionError: AppError | null;
  /** How the server checks holders; null until it answers (the screens word the default). */
  readonly service: UnlockService | null;
  /** Reads the app facts, the flows' steps, the reader status and the current view from main. */
  readonly load: () => Promise<void>;
  /** Asks the server how it checks holders, unless known or being asked; a failure leaves null. */
  readonly loadService: () => Promise<void>;
  /** Subscribes to the main process's events; returns the unsubscribe function. */
  readonly connect: () => () => void;
}

/** What the screens assume until the server says: the seed's service, codes by email. */
const DEFAULT_SERVICE: UnlockService = {
  verification: 'questions-and-code',
  channels: ['email'],
};

/** The server's verification model and channels, or the default until it has answered. */
export const selectService = (state: WizardState): UnlockService =>
  state.service ?? DEFAULT_SERVICE;

/** Builds the app slice. */
export const createAppSlice: StateCreator<WizardState, [], [], AppSlice> = (set, get) => {
  // One question to the server at a time (a screen asking twice, React's strict mode).
  let askingService = false;
  return {
    info: null,
    connection: 'loading',
    connectionError: null,
    service: null,
    loadService: async () => {
      if (get().service !== null || askingService || !hasRendererApi()) return;
      askingService = true;
      const result = await invoke((api) => api.flowGetService({}));
      askingService = false;
      if (result.ok) set({ service: result.value });
    },
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
      // Not waited for: a slow or absent server must not hold the first screen back.
      void get().loadService();
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
  };
};
