import { appError } from '../../shared/errors';
import type { IpcResult } from '../../shared/ipc-contract';
import { dispatchInvoke, type InvokeHandlers } from './dispatch';
import { isTrustedSenderUrl } from './trusted-sender';

/**
 * One Electron invoke, without Electron: refuses a sender that is not our renderer before
 * anything is parsed or called, then dispatches through the contract. ipc-main-transport.ts passes the
 * sending frame's URL; tests pass any URL.
 */
export function guardedInvoke(
  handlers: InvokeHandlers,
  trustedOrigins: readonly string[],
  senderUrl: string | undefined,
  channel: string,
  request: unknown,
): Promise<IpcResult<unknown>> {
  if (!isTrustedSenderUrl(senderUrl, trustedOrigins)) {
    return Promise.resolve({ ok: false, error: appError('INTERNAL') });
  }
  return dispatchInvoke(handlers, channel, request);
}
