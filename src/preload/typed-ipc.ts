import { ipcRenderer } from 'electron';
import { IPC_EVENTS, IPC_INVOKE, type RendererApi } from '../shared/ipc-contract';

/**
 * Builds `window.api` from the contract: one named function per channel, one subscriber per event.
 * The IPC event object never reaches the page (Electron security checklist #20), and no generic
 * send/invoke is exposed.
 */
export function buildRendererApi(): RendererApi {
  const api: Record<string, unknown> = {};
  for (const [channel, spec] of Object.entries(IPC_INVOKE)) {
    api[spec.method] = (request: unknown) => ipcRenderer.invoke(channel, request ?? {});
  }
  for (const [channel, spec] of Object.entries(IPC_EVENTS)) {
    api[spec.method] = (listener: (payload: unknown) => void) => {
      const wrapped = (_event: unknown, payload: unknown): void => listener(payload);
      ipcRenderer.on(channel, wrapped);
      return () => {
        ipcRenderer.removeListener(channel, wrapped);
      };
    };
  }
  return api as RendererApi;
}
