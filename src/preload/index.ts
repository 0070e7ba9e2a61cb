import { contextBridge } from 'electron';
import { buildRendererApi } from './typed-ipc';

contextBridge.exposeInMainWorld('api', buildRendererApi());
