import { contextBridge } from 'electron';
import { buildElectronRendererApi } from './typed-ipc';

contextBridge.exposeInMainWorld('api', buildElectronRendererApi());
