import { describe, expect, it } from 'vitest';
import { buildRendererApi, type IpcRendererLike } from '../../../src/preload/renderer-api';
import { IPC_EVENTS, IPC_INVOKE } from '../../../src/shared/ipc-contract';

/** A tiny ipcRenderer: records invokes and lets the test deliver events. */
function fakeIpc() {
  const invoked: [string, unknown[]][] = [];
  const listeners = new Map<string, Set<(event: unknown, ...args: unknown[]) => void>>();
  const ipc: IpcRendererLike = {
    invoke: (channel, ...args) => {
      invoked.push([channel, args]);
      return Promise.resolve({ ok: true, value: channel });
    },
    on: (channel, listener) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(listener);
    },
    removeListener: (channel, listener) => listeners.get(channel)?.delete(listener),
  };
  const deliver = (channel: string, payload: unknown) => {
    for (const l of listeners.get(channel) ?? [])
      l({ sender: 'the IPC event', ports: [] }, payload);
  };
  return { ipc, invoked, listeners, deliver };
}

describe('the preload API', () => {
  it('exposes exactly one function per contract channel and event, and nothing else', () => {
    const api = buildRendererApi(fakeIpc().ipc);
    const expected = [...Object.values(IPC_INVOKE), ...Object.values(IPC_EVENTS)].map(
      (s) => s.method,
    );
    expect(Object.keys(api).sort()).toEqual([...expected].sort());
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
    expect(api).not.toHaveProperty('invoke');
    expect(api).not.toHaveProperty('send');
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('sends each named call on its own channel with the request', async () => {
    const fake = fakeIpc();
    const api = buildRendererApi(fake.ipc);
    await api.unlockSubmitCode({ code: 'ABCD2345' });
    await api.flowGetView({});
    expect(fake.invoked).toEqual([
      ['unlock:submit-code', [{ code: 'ABCD2345' }]],
      ['flow:get-view', [{}]],
    ]);
  });

  it('gives listeners the payload only, never the IPC event, and unsubscribes', () => {
    const fake = fakeIpc();
    const api = buildRendererApi(fake.ipc);
    const seen: unknown[][] = [];
    const stop = api.onFlowViewChanged((...args: unknown[]) => seen.push(args));
    fake.deliver('flow:view-changed', { kind: 'idle' });
    expect(seen).toEqual([[{ kind: 'idle' }]]);
    stop();
    fake.deliver('flow:view-changed', { kind: 'idle' });
    expect(seen).toHaveLength(1);
    expect(fake.listeners.get('flow:view-changed')?.size).toBe(0);
  });
});
