import { IPC_EVENTS, type EventChannel, type EventPayload } from '../../shared/ipc-contract';

/** A subscriber to main-to-renderer events: Electron's webContents.send or the bridge's stream. */
type EventListener = (channel: EventChannel, payload: unknown) => void;

/**
 * The main process's events for the renderer, whatever carries them. Payloads are checked against
 * the contract here, once, so no transport can send what the contract does not allow.
 */
export class EventHub {
  private readonly listeners = new Set<EventListener>();

  /** Adds a transport; returns its removal. */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sends an event to every transport. */
  emit<C extends EventChannel>(channel: C, payload: EventPayload<C>): void {
    const parsed: unknown = IPC_EVENTS[channel].payload.parse(payload);
    for (const listener of [...this.listeners]) listener(channel, parsed);
  }
}
