import { ipcMain, type WebContents } from 'electron';
import {
  IPC_EVENTS,
  IPC_INVOKE,
  type EventChannel,
  type EventPayload,
} from '../../shared/ipc-contract';
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

/** Sends an event to the renderer after checking its payload against the contract. */
export function emitEvent<C extends EventChannel>(
  target: WebContents,
  channel: C,
  payload: EventPayload<C>,
): void {
  const parsed = IPC_EVENTS[channel].payload.parse(payload);
  if (!target.isDestroyed()) target.send(channel, parsed);
}

/** Forwards every event of the hub to a window until it closes. */
export function forwardEvents(hub: EventHub, target: WebContents): () => void {
  const unsubscribe = hub.subscribe((channel, payload) => {
    if (!target.isDestroyed()) target.send(channel, payload);
  });
  target.once('destroyed', unsubscribe);
  return unsubscribe;
}
