import { IPC_EVENTS, IPC_INVOKE, type RendererApi } from '../shared/ipc-contract';

/** The part of Electron's ipcRenderer the API uses; tests pass a small fake. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/**
 * Builds `window.api` from the contract: one named function per channel, one subscriber per event.
 * The IPC event object never reaches the page (Electron security checklist #20), and no generic
 * send/invoke is exposed. Frozen, so the page cannot add to it.
 */
export function buildRendererApi(ipc: IpcRendererLike): RendererApi {
  const api: Record<string, unknown> = {};
  for (const [channel, spec] of Object.entries(IPC_INVOKE)) {
    api[spec.method] = (request: unknown) => ipc.invoke(channel, request ?? {});
  }
  for (const [channel, spec] of Object.entries(IPC_EVENTS)) {
    api[spec.method] = (listener: (payload: unknown) => void) => {
      const wrapped = (_event: unknown, payload: unknown): void => listener(payload);
      ipc.on(channel, wrapped);
      return () => {
        ipc.removeListener(channel, wrapped);
      };
    };
  }
  return Object.freeze(api) as RendererApi;
}
