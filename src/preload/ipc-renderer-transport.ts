import { ipcRenderer } from 'electron';
import type { RendererApi } from '../shared/ipc-contract';
import { buildRendererApi } from './renderer-api';

/** The only place the preload touches ipcRenderer: the contract's API over Electron IPC. */
export function buildElectronRendererApi(): RendererApi {
  return buildRendererApi(ipcRenderer);
}
