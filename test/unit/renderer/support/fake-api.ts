import { vi, type Mock } from 'vitest';
import { flowStepLists } from '../../../../src/main/flows/flows';
import type { AppError } from '../../../../src/shared/errors';
import { DEMO_HELP_CONTACTS } from '../../../../src/shared/help';
import type {
  AppInfo,
  FlowStepList,
  FlowView,
  IpcResult,
  ReaderStatus,
  RendererApi,
  UnlockService,
} from '../../../../src/shared/ipc-contract';
import { appError } from '../../../../src/shared/errors';
import { SAMPLE_DIAGNOSTICS_REPORT } from '../../../support/sample-diagnostics-report';

/** Every RendererApi function as a vitest mock, so tests can script answers and read calls. */
export type FakeApi = { [K in keyof RendererApi]: Mock<RendererApi[K]> } & {
  /** Sends a reader status event, as the main process does when a card moves. */
  readonly emitReader: (status: ReaderStatus) => void;
  /** Sends a flow view event, as the main process does during slow steps. */
  readonly emitView: (view: FlowView) => void;
};

export const ok = <T>(value: T): IpcResult<T> => ({ ok: true, value });
export const failure = <T>(error: AppError): IpcResult<T> => ({ ok: false, error });

/** The flows' step lists exactly as the main process reports them. */
export const STEP_LISTS: FlowStepList[] = flowStepLists();

/** The seed's service: security questions, then a code by email. */
export const SERVICE: UnlockService = { verification: 'questions-and-code', channels: ['email'] };

export const INFO: AppInfo = {
  version: '0.1.0',
  passcodePolicy: 'printable-4-8',
  mockReader: false,
  development: false,
  help: DEMO_HELP_CONTACTS,
};

export const CARD_PRESENT: ReaderStatus = {
  state: 'card-present',
  readers: [{ name: 'Virtual PCD 00 00', hasCard: true }],
  selectedReader: 'Virtual PCD 00 00',
  mock: false,
};

export const NO_CARD: ReaderStatus = {
  state: 'no-card',
  readers: [{ name: 'Virtual PCD 00 00', hasCard: false }],
  selectedReader: 'Virtual PCD 00 00',
  mock: false,
};

/** Builds a fake main process: sensible defaults, every answer replaceable per test. */
export function createFakeApi(
  options: {
    readonly info?: AppInfo;
    readonly reader?: ReaderStatus;
    readonly view?: FlowView;
    readonly steps?: FlowStepList[];
    /** How the server checks holders; null when it cannot be asked. Questions and code by email. */
    readonly service?: UnlockService | null;
  } = {},
): FakeApi {
  const service = options.service === undefined ? SERVICE : options.service;
  const readerListeners = new Set<(s: ReaderStatus) => void>();
  const viewListeners = new Set<(v: FlowView) => void>();
  const idle: FlowView = { kind: 'idle' };
  const reader = options.reader ?? CARD_PRESENT;
  const fake = {
    appGetInfo: vi.fn(() => Promise.resolve(ok(options.info ?? INFO))),
    appGetDiagnostics: vi.fn(() => Promise.resolve(ok(SAMPLE_DIAGNOSTICS_REPORT))),
    readerGetStatus: vi.fn(() => Promise.resolve(ok(reader))),
    readerChoose: vi.fn(({ readerName }: { readerName: string }) =>
      Promise.resolve(
        ok<ReaderStatus>({ ...reader, state: 'card-present', selectedReader: readerName }),
      ),
    ),
    flowGetView: vi.fn(() => Promise.resolve(ok(options.view ?? idle))),
    flowGetSteps: vi.fn(() => Promise.resolve(ok(options.steps ?? STEP_LISTS))),
    flowGetService: vi.fn(() =>
      Promise.resolve(
        service === null ? failure<UnlockService>(appError('SERVER_UNREACHABLE')) : ok(service),
      ),
    ),
    unlockStart: vi.fn(() => Promise.resolve(ok(idle))),
    unlockAnswer: vi.fn(() => Promise.resolve(ok(idle))),
    unlockSendCode: vi.fn(() => Promise.resolve(ok(idle))),
    unlockResendCode: vi.fn(() => Promise.resolve(ok(idle))),
    unlockSubmitCode: vi.fn(() => Promise.resolve(ok(idle))),
    unlockSetPasscode: vi.fn(() => Promise.resolve(ok(idle))),
    unlockAskDesk: vi.fn(() => Promise.resolve(ok(idle))),
    registerStart: vi.fn(() => Promise.resolve(ok(idle))),
    registerAnswer: vi.fn(() => Promise.resolve(ok(idle))),
    registerResendCode: vi.fn(() => Promise.resolve(ok(idle))),
    registerSubmitCode: vi.fn(() => Promise.resolve(ok(idle))),
    forgottenStart: vi.fn(() => Promise.resolve(ok(idle))),
    forgottenAnswer: vi.fn(() => Promise.resolve(ok(idle))),
    forgottenSendCode: vi.fn(() => Promise.resolve(ok(idle))),
    forgottenResendCode: vi.fn(() => Promise.resolve(ok(idle))),
    forgottenSubmitCode: vi.fn(() => Promise.resolve(ok(idle))),
    forgottenSetPasscode: vi.fn(() => Promise.resolve(ok(idle))),
    forgottenAskDesk: vi.fn(() => Promise.resolve(ok(idle))),
    changeStart: vi.fn(() => Promise.resolve(ok(idle))),
    changeSubmitPasscodes: vi.fn(() => Promise.resolve(ok(idle))),
    flowCancel: vi.fn(() => Promise.resolve(ok(idle))),
    flowResume: vi.fn(() => Promise.resolve(ok(idle))),
    mockControl: vi.fn(() => Promise.resolve(ok(reader))),
    onReaderStatusChanged: vi.fn((listener: (s: ReaderStatus) => void) => {
      readerListeners.add(listener);
      return () => readerListeners.delete(listener);
    }),
    onFlowViewChanged: vi.fn((listener: (v: FlowView) => void) => {
      viewListeners.add(listener);
      return () => viewListeners.delete(listener);
    }),
    emitReader: (status: ReaderStatus) => readerListeners.forEach((l) => l(status)),
    emitView: (view: FlowView) => viewListeners.forEach((l) => l(view)),
  };
  return fake;
}

/** Installs the fake as `window.api`, as the preload would. */
export function installApi(api: FakeApi): void {
  Object.defineProperty(window, 'api', { value: api, configurable: true, writable: true });
}

/** Removes `window.api`, as in a page opened outside the app. */
export function uninstallApi(): void {
  Reflect.deleteProperty(window, 'api');
}
