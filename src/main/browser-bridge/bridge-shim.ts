import { IPC_EVENTS, IPC_INVOKE } from '../../shared/ipc-contract';
import { wording } from '../../shared/wording';

/** The bridge's page for an address without its token (a new tab, a bookmark). */
export const CONNECT_PATH = '/bridge/connect';

/**
 * The page's `window.api` over the bridge, served as /bridge/shim.js so the CSP keeps `script-src
 * 'self'`; the token comes from the URL fragment, is kept in sessionStorage and leaves the address
 * bar. Without a token the page goes to CONNECT_PATH; Back stays in the app (docs/desktop-app.md).
 */
export function bridgeShimSource(): string {
  const invoke = Object.fromEntries(
    Object.entries(IPC_INVOKE).map(([channel, spec]) => [spec.method, channel]),
  );
  const events = Object.fromEntries(
    Object.entries(IPC_EVENTS).map(([channel, spec]) => [spec.method, channel]),
  );
  const lost = { ok: false, error: { code: 'INTERNAL', ...wording().bridgeLost } };
  return `'use strict';
(() => {
  const INVOKE = ${JSON.stringify(invoke)};
  const EVENTS = ${JSON.stringify(events)};
  const KEY = 'smartcard-unlock-bridge-token';
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromHash) {
    sessionStorage.setItem(KEY, fromHash);
    history.replaceState(null, '', location.pathname + location.search);
  }
  const token = fromHash || sessionStorage.getItem(KEY) || '';
  const CONNECT = ${JSON.stringify(CONNECT_PATH)};
  // No key (a new tab, a bookmark) or one from an earlier run: the page that says what to do.
  function connect() {
    sessionStorage.removeItem(KEY);
    document.documentElement.hidden = true;
    location.replace(CONNECT);
  }
  if (!token) {
    connect();
    return;
  }
  // Back stays in the app: an entry is added at the holder's first touch or key after each Back
  // (Chromium skips entries added without one), so Back returns to it instead of leaving.
  let guarded = false;
  const guard = () => {
    if (guarded) return;
    guarded = true;
    history.pushState({ smartcardUnlock: true }, '', location.pathname + location.search);
  };
  addEventListener('pointerdown', guard, true);
  addEventListener('keydown', guard, true);
  addEventListener('popstate', () => {
    guarded = false;
  });
  // The screen comes back after a reload, but what was typed in it cannot: the browser asks first.
  addEventListener('beforeunload', (event) => {
    const typed = [...document.querySelectorAll('input, textarea')].some(
      (field) => !['hidden', 'radio', 'checkbox'].includes(field.type) && field.value !== '',
    );
    if (!typed) return;
    event.preventDefault();
    event.returnValue = 'typed';
  });
  const lost = ${JSON.stringify(lost)};
  const listeners = new Map();
  async function invoke(channel, request) {
    try {
      const response = await fetch('/ipc/' + channel, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer ' + token },
        body: JSON.stringify(request === undefined ? {} : request),
        cache: 'no-store',
        credentials: 'omit',
      });
      if (response.status === 401) connect();
      return await response.json();
    } catch {
      return lost;
    }
  }
  function deliver(block) {
    let channel = '';
    let data = '';
    for (const line of block.split('\\n')) {
      if (line.startsWith('event: ')) channel = line.slice(7);
      else if (line.startsWith('data: ')) data += line.slice(6);
    }
    if (!channel || !data) return;
    const payload = JSON.parse(data);
    for (const listener of [...(listeners.get(channel) || [])]) listener(payload);
  }
  async function stream() {
    for (;;) {
      try {
        const response = await fetch('/bridge/events', {
          headers: { authorization: 'Bearer ' + token },
          cache: 'no-store',
          credentials: 'omit',
        });
        if (response.status === 401) return;
        const reader = response.body.getReader();
        const decoder = new TextDecoder();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let end;
          while ((end = buffer.indexOf('\\n\\n')) >= 0) {
            deliver(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        }
      } catch {
        // The bridge restarted or the network blinked: reconnect below.
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
  const api = {};
  for (const [method, channel] of Object.entries(INVOKE)) {
    api[method] = (request) => invoke(channel, request);
  }
  for (const [method, channel] of Object.entries(EVENTS)) {
    api[method] = (listener) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel).add(listener);
      return () => {
        listeners.get(channel).delete(listener);
      };
    };
  }
  Object.defineProperty(window, 'api', { value: Object.freeze(api), enumerable: true });
  void stream();
})();
`;
}
