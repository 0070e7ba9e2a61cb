import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, vi } from 'vitest';
import type {
  AppInfo,
  FlowStepList,
  FlowView,
  ReaderStatus,
  UnlockService,
} from '../../../../src/shared/ipc-contract';
import { App } from '../../../../src/renderer/app';
import { useWizardStore } from '../../../../src/renderer/store/wizard-store';
import { createFakeApi, installApi, uninstallApi, type FakeApi } from './fake-api';

// jsdom and user-event are slow on two shared cores while the other projects run beside them:
// a whole keyboard walk-through can pass vitest's 5 s default, so allow more.
vi.setConfig({ testTimeout: 30_000 });

// Every test file that renders imports this module, so each case starts from a clean page,
// a fresh store and no window.api.
afterEach(() => {
  cleanup();
  useWizardStore.getState().reset();
  uninstallApi();
});

/**
 * Renders the whole app against a fake main process and waits until the first screen is up.
 * `userEvent` options let timer tests drive fake clocks.
 */
export async function renderApp(
  options: {
    readonly info?: AppInfo;
    readonly reader?: ReaderStatus;
    readonly view?: FlowView;
    readonly steps?: FlowStepList[];
    readonly service?: UnlockService | null;
    readonly advanceTimers?: (ms: number) => void;
  } = {},
): Promise<{ readonly api: FakeApi; readonly user: ReturnType<typeof userEvent.setup> }> {
  const api = createFakeApi(options);
  installApi(api);
  // No delay between key presses: nothing here waits on time, and it keeps the suite quick.
  const user = userEvent.setup(
    options.advanceTimers === undefined
      ? { delay: null }
      : { delay: null, advanceTimers: options.advanceTimers },
  );
  render(<App />);
  await screen.findByRole('heading', { level: 1 });
  return { api, user };
}

/** The store as text: what a secret-in-the-store check searches. */
export function storeText(): string {
  return JSON.stringify(useWizardStore.getState());
}

/** Every input's current value plus the page's markup: what a secret-in-the-DOM check searches. */
export function domText(): string {
  const values = [...document.querySelectorAll('input')].map((i) => i.value).join('\n');
  return `${document.body.innerHTML}\n${values}`;
}
