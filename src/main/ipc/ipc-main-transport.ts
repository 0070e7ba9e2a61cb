import { ipcMain, type WebContents } from 'electron';
import { IPC_INVOKE } from '../../shared/ipc-contract';
import type { InvokeHandlers } from './dispatch';
import type { EventHub } from './event-hub';
import { guardedInvoke } from './guarded-invoke';

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
    ipcMain.handle(channel, (event, request: unknown) =>
      guardedInvoke(handlers, trustedOrigins, event.senderFrame?.url, channel, request),
    );
  }
  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}

/** Forwards every event of the hub to a window until it closes. */
export function forwardEvents(hub: EventHub, target: WebContents): () => void {
  const unsubscribe = hub.subscribe((channel, payload) => {
    if (!target.isDestroyed()) target.send(channel, payload);
  });
  target.once('destroyed', unsubscribe);
  return unsubscribe;
}
