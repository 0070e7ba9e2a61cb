import {
  IPC_INVOKE,
  type InvokeChannel,
  type InvokeRequest,
  type InvokeResponse,
  type IpcResult,
} from '../../shared/ipc-contract';
import { appError, type AppError } from '../../shared/errors';
import { valueExceedsLimits } from '../../shared/json-limits';

/** A handler for one channel: parsed input in, plain data or an error value out. */
type InvokeHandler<C extends InvokeChannel> = (
  request: InvokeRequest<C>,
) => Promise<IpcResult<InvokeResponse<C>>> | IpcResult<InvokeResponse<C>>;

/** Handlers for every channel of the contract. */
export type InvokeHandlers = { readonly [C in InvokeChannel]: InvokeHandler<C> };

/**
 * Runs one invoke through the contract, whatever transport carried it (Electron IPC or the
 * loopback bridge): checks the channel exists, parses the request, calls the handler, and parses
 * the response so nothing outside the contract (a secret, say) can leak to the renderer.
 */
export async function dispatchInvoke(
  handlers: InvokeHandlers,
  channel: string,
  rawRequest: unknown,
): Promise<IpcResult<unknown>> {
  if (!Object.hasOwn(IPC_INVOKE, channel)) {
    return { ok: false, error: appError('VALIDATION_FAILED', { field: 'channel' }) };
  }
  const name = channel as InvokeChannel;
  const spec = IPC_INVOKE[name];
  // Bounded before the schema walks it: a sender could nest a request arbitrarily deep.
  if (valueExceedsLimits(rawRequest)) {
    return { ok: false, error: appError('VALIDATION_FAILED', { field: 'request' }) };
  }
  const parsed = spec.request.safeParse(rawRequest ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      error: appError('VALIDATION_FAILED', { field: parsed.error.issues[0]?.path.join('.') ?? '' }),
    };
  }
  let result: IpcResult<unknown>;
  try {
    const handler = handlers[name] as (
      request: unknown,
    ) => Promise<IpcResult<unknown>> | IpcResult<unknown>;
    result = await handler(parsed.data);
  } catch {
    // A handler must return errors as values; anything thrown is a bug, reported without detail.
    return { ok: false, error: appError('INTERNAL') };
  }
  if (!result.ok) return { ok: false, error: result.error satisfies AppError };
  const out = spec.response.safeParse(result.value);
  return out.success ? { ok: true, value: out.data } : { ok: false, error: appError('INTERNAL') };
}
