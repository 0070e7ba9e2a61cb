import { ipcMain, type WebContents } from 'electron';
import {
  IPC_EVENTS,
  IPC_INVOKE,
  type EventChannel,
  type EventPayload,
} from '../../shared/ipc-contract';
import { appError } from '../../shared/errors';
import { dispatchInvoke, type InvokeHandlers } from './dispatch';
import { isTrustedSenderUrl } from './trusted-sender';

/**
 * The only place that touches `ipcMain`: registers one handler per contract channel, refuses
 * senders that are not our renderer, and hands everything else to the transport-free dispatcher.
 */
export function registerInvokeHandlers(
  handlers: InvokeHandlers,
  trustedOrigins: readonly string[],
): () => void {
  const channels = Object.keys(IPC_INVOKE);
  for (const channel of channels) {
    ipcMain.handle(channel, async (event, request: unknown) => {
      if (!isTrustedSenderUrl(event.senderFrame?.url, trustedOrigins)) {
        return { ok: false, error: appError('INTERNAL') };
      }
      return dispatchInvoke(handlers, channel, request);
    });
  }
  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}

/** Sends an event to the renderer after checking its payload against the contract. */
export function emitEvent<C extends EventChannel>(
  target: WebContents,
  channel: C,
  payload: EventPayload<C>,
): void {
  const parsed = IPC_EVENTS[channel].payload.parse(payload);
  if (!target.isDestroyed()) target.send(channel, parsed);
}
