import { contextBridge } from 'electron';
import { buildElectronRendererApi } from './ipc-renderer-transport';

contextBridge.exposeInMainWorld('api', buildElectronRendererApi());
