import type { AppError } from '../../../shared/errors';
import type { AppInfo, FlowView, ReaderStatus } from '../../../shared/ipc-contract';
import { flowStepLists } from '../../flows/flows';
import type { InvokeHandlers } from '../dispatch';
import { appHandlers, type DiagnosticsPort } from './app-handlers';
import { flowHandlers, type FlowPort } from './flow-handlers';
import { mockHandlers, type MockReaderControls } from './mock-handlers';
import { readerHandlers, type ReaderPort } from './reader-handlers';

/** Every channel's handler, from the services; transport-free (Electron IPC or the bridge). */
export function createInvokeHandlers(services: {
  readonly info: AppInfo;
  readonly readers: ReaderPort;
  readonly flows: FlowPort;
  readonly mock: MockReaderControls | null;
  readonly diagnostics: DiagnosticsPort;
}): InvokeHandlers {
  return {
    ...appHandlers(services.info, services.diagnostics),
    ...readerHandlers(services.readers),
    ...flowHandlers(services.flows),
    ...mockHandlers(services.mock, services.readers),
  };
}

/**
 * The handlers when the app cannot run (a bad setting): every flow shows the error screen naming
 * the setting, its source and the fix; nothing touches a card or the network, except the
 * diagnostics report the service desk asks for, which names the problem too.
 */
export function createStartupErrorHandlers(
  info: AppInfo,
  error: AppError,
  diagnostics: DiagnosticsPort,
): InvokeHandlers {
  const failed: FlowView = { kind: 'failed', error, canRetry: false };
  const status: ReaderStatus = {
    state: 'no-reader',
    readers: [],
    selectedReader: null,
    mock: false,
  };
  const view = () => ({ ok: true as const, value: failed });
  return {
    ...appHandlers(info, diagnostics),
    'reader:get-status': () => ({ ok: true, value: status }),
    'reader:choose': () => ({ ok: true, value: status }),
    'mock:control': () => ({ ok: false, error }),
    'flow:get-view': view,
    'flow:get-steps': () => ({ ok: true, value: flowStepLists() }),
    // No server is asked: the start screen words itself for the default model.
    'flow:get-service': () => ({ ok: false, error }),
    'flow:cancel': view,
    'flow:resume': view,
    'unlock:start': view,
    'unlock:answer': view,
    'unlock:send-code': view,
    'unlock:resend-code': view,
    'unlock:submit-code': view,
    'unlock:set-passcode': view,
    'unlock:ask-desk': view,
    'register:start': view,
    'register:answer': view,
    'register:resend-code': view,
    'register:submit-code': view,
    'forgotten:start': view,
    'forgotten:answer': view,
    'forgotten:send-code': view,
    'forgotten:resend-code': view,
    'forgotten:submit-code': view,
    'forgotten:set-passcode': view,
    'forgotten:ask-desk': view,
    'change:start': view,
    'change:submit-passcodes': view,
  };
}
