import type { StateCreator } from 'zustand';
import { appError, type AppError, type ErrorCode } from '../../shared/errors';
import type {
  AnswerInput,
  FlowView,
  IpcResult,
  ProgressStep,
  ReaderStatus,
} from '../../shared/ipc-contract';
import { invoke } from '../api';
import type { WizardState } from './wizard-store';

/** Which of the two flows the person is in; decides what 'idle' and some failures show. */
export type Journey = 'unlock' | 'register';

/**
 * The wizard's position: the main process's FlowView plus the few sub-steps only the renderer
 * has (the holder warning before the questions, the passcode log-in before registration).
 * Secrets (answers, codes, passcodes) are arguments of actions, never state.
 */
export interface FlowSlice {
  readonly view: FlowView;
  readonly journey: Journey;
  /** The holder pressed "This is my Smartcard" on the warning before the questions. */
  readonly holderConfirmed: boolean;
  /** A failure of the last action that did not come with a view (shown on the current screen). */
  readonly actionError: AppError | null;
  /** An action is waiting for the main process; further submits are ignored. */
  readonly pending: boolean;
  /** Shows a view from the main process (a response or an event). */
  readonly showView: (view: FlowView) => void;
  /** Start pressed: begins an unlock, unless the reader plainly has no card. */
  readonly startUnlock: () => Promise<void>;
  readonly confirmHolder: () => void;
  readonly submitAnswers: (answers: readonly AnswerInput[]) => Promise<void>;
  readonly submitCode: (code: string) => Promise<void>;
  readonly resendCode: () => Promise<void>;
  readonly setPasscode: (passcode: string, confirmation: string) => Promise<void>;
  /** Register pressed: shows the passcode log-in. */
  readonly beginRegistration: () => Promise<void>;
  readonly logIn: (passcode: string) => Promise<void>;
  readonly submitRegistration: (answers: readonly AnswerInput[]) => Promise<void>;
  /** Ends the attempt (Cancel, Start again, Finish) and returns to the start screen. */
  readonly cancel: () => Promise<void>;
  /** Retry on a failure the main process marked retryable: begins the same journey again. */
  readonly retry: () => Promise<void>;
  /** Back to the initial state (tests, and a fresh start). */
  readonly reset: () => void;
}

/** The journey a view belongs to, or null for the shared kinds. */
export function journeyOf(view: FlowView): Journey | null {
  switch (view.kind) {
    case 'unlock-questions':
    case 'unlock-code':
    case 'unlock-new-passcode':
    case 'unlock-done':
      return 'unlock';
    case 'register-questions':
    case 'register-code':
    case 'register-done':
      return 'register';
    case 'idle':
    case 'busy':
    case 'failed':
      return null;
    default: {
      const unreachable: never = view;
      return unreachable;
    }
  }
}

/** The error Start reports without asking the main process, when the reader shows no card. */
export function readerProblem(reader: ReaderStatus | null): AppError | null {
  const codes: Record<ReaderStatus['state'], ErrorCode | null> = {
    'service-down': 'CARD_SERVICE_DOWN',
    'no-reader': 'READER_MISSING',
    'no-card': 'CARD_ABSENT',
    'choose-reader': 'READER_CHOICE_NEEDED',
    'card-present': null,
  };
  const code = reader === null ? null : codes[reader.state];
  return code === null ? null : appError(code);
}

/** Builds the flow slice. */
export const createFlowSlice: StateCreator<WizardState, [], [], FlowSlice> = (set, get, store) => {
  /**
   * Runs one flow action: shows progress at once (the main process may refine it with its own
   * busy views), then the view it answers with; on an error value, returns to the screen the
   * person was on and shows the error there.
   */
  const run = async (
    progress: ProgressStep | null,
    call: () => Promise<IpcResult<FlowView>>,
  ): Promise<void> => {
    if (get().pending) return;
    const before = get().view;
    set({ pending: true, actionError: null });
    if (progress !== null) get().showView({ kind: 'busy', step: progress });
    const result = await call();
    set({ pending: false });
    if (result.ok) {
      get().showView(result.value);
    } else {
      get().showView(before);
      set({ actionError: result.error });
    }
  };

  return {
    view: { kind: 'idle' },
    journey: 'unlock',
    holderConfirmed: false,
    actionError: null,
    pending: false,
    showView: (view) =>
      set((state) => ({
        view,
        journey: journeyOf(view) ?? state.journey,
        // The confirmation holds through the busy steps between questions and their answer.
        holderConfirmed:
          view.kind === 'unlock-questions' || view.kind === 'busy' ? state.holderConfirmed : false,
        actionError: view.kind === state.view.kind ? state.actionError : null,
      })),
    startUnlock: async () => {
      const problem = readerProblem(get().reader);
      if (problem !== null) {
        set({ actionError: problem });
        return;
      }
      set({ journey: 'unlock' });
      await run('reading-card', () => invoke((api) => api.unlockStart({})));
    },
    confirmHolder: () => set({ holderConfirmed: true }),
    submitAnswers: (answers) =>
      run('checking-answers', () =>
        invoke((api) => api.unlockAnswer({ answers: answers.map((a) => ({ ...a })) })),
      ),
    submitCode: (code) =>
      run('checking-code', () =>
        invoke((api) =>
          get().journey === 'register'
            ? api.registerSubmitCode({ code })
            : api.unlockSubmitCode({ code }),
        ),
      ),
    resendCode: () =>
      run(null, () =>
        invoke((api) =>
          get().journey === 'register' ? api.registerResendCode({}) : api.unlockResendCode({}),
        ),
      ),
    setPasscode: (passcode, confirmation) =>
      run('unlocking-card', () =>
        invoke((api) => api.unlockSetPasscode({ passcode, confirmation })),
      ),
    beginRegistration: async () => {
      if (get().view.kind !== 'idle') await get().cancel();
      set({ journey: 'register', actionError: null });
    },
    logIn: async (passcode) => {
      set({ journey: 'register' });
      await run('reading-card', () => invoke((api) => api.registerStart({ passcode })));
    },
    submitRegistration: (answers) =>
      run('registering', () =>
        invoke((api) => api.registerAnswer({ answers: answers.map((a) => ({ ...a })) })),
      ),
    cancel: async () => {
      const result = await invoke((api) => api.flowCancel({}));
      set({ journey: 'unlock', pending: false });
      get().showView(result.ok ? result.value : { kind: 'idle' });
      if (!result.ok) set({ actionError: result.error });
    },
    retry: async () => {
      if (get().journey === 'register') {
        await get().cancel();
        set({ journey: 'register' });
        return;
      }
      set({ actionError: null });
      await run('reading-card', () => invoke((api) => api.unlockStart({})));
    },
    reset: () => set(store.getInitialState()),
  };
};
