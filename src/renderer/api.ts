import { appError, type AppError } from '../shared/errors';
import type {
  FlowAction,
  FlowActionRequest,
  FlowName,
  FlowView,
  IpcResult,
  RendererApi,
} from '../shared/ipc-contract';

declare global {
  interface Window {
    /** Installed by the preload (Electron) or the loopback bridge (browser mode); absent elsewhere. */
    readonly api?: RendererApi;
  }
}

/**
 * The one place the renderer reaches `window.api`. Looked up on every call rather than captured
 * at import, so tests can install a fake in jsdom before each case.
 */
export function rendererApi(): RendererApi {
  const api = window.api;
  if (api === undefined) {
    throw new Error(
      'window.api is missing: the page was opened outside the app (no preload and no browser bridge).',
    );
  }
  return api;
}

/** True when a bridge to the main process is installed. */
export function hasRendererApi(): boolean {
  return window.api !== undefined;
}

/**
 * Runs one invoke and never throws: a rejected promise (a dropped bridge, a bug) becomes an
 * INTERNAL error value, so every caller handles failures in one shape.
 */
export async function invoke<T>(
  call: (api: RendererApi) => Promise<IpcResult<T>>,
): Promise<IpcResult<T>> {
  try {
    return await call(rendererApi());
  } catch {
    return { ok: false, error: internalError() };
  }
}

/**
 * Sends a flow's action on its channel `<flow>:<action>`, whose preload function is the channel in
 * camelCase (`register:submit-code` → `registerSubmitCode`); a flow without it is ATTEMPT_STATE.
 */
export function invokeFlow<A extends FlowAction>(
  flow: FlowName,
  action: A,
  request: FlowActionRequest<A>,
): Promise<IpcResult<FlowView>> {
  const method = `${flow}-${action}`.replace(/-([a-z])/g, (_, letter: string) =>
    letter.toUpperCase(),
  );
  return invoke((api) => {
    const call = (api as unknown as Record<string, FlowCall<A> | undefined>)[method];
    return call === undefined
      ? Promise.resolve({ ok: false, error: appError('ATTEMPT_STATE') })
      : call(request);
  });
}

type FlowCall<A extends FlowAction> = (
  request: FlowActionRequest<A>,
) => Promise<IpcResult<FlowView>>;

function internalError(): AppError {
  return appError('INTERNAL');
}
