import type { StateCreator } from 'zustand';
import { appError, type AppError, type ErrorCode } from '../../shared/errors';
import type { Contact, DeliveryChannel } from '../../shared/http-api';
import type {
  AnswerInput,
  FlowAction,
  FlowActionRequest,
  FlowName,
  FlowStep,
  FlowStepList,
  FlowView,
  IpcResult,
  ProgressStep,
  ReaderStatus,
} from '../../shared/ipc-contract';
import { invoke, invokeFlow } from '../api';
import type { WizardState } from './wizard-store';

/** Which flow the person is in; decides what 'idle' and some failures show. */
export type Journey = FlowName;

/**
 * The wizard's position: the main process's FlowView, the flows' step lists it follows, and the
 * few sub-steps only the renderer has (the holder confirmation and the log-in a list asks for).
 * Secrets (answers, codes, passcodes) are arguments of actions, never state.
 */
export interface FlowSlice {
  readonly view: FlowView;
  /** Every flow's steps as the main process runs them (`flow:get-steps`); empty until loaded. */
  readonly flows: readonly FlowStepList[];
  readonly journey: Journey;
  /**
   * The holder went on past the warning a step asks for first: answered beside it, chose a
   * contact beside it, or pressed "This is my Smartcard" where there was nothing to fill in.
   */
  readonly holderConfirmed: boolean;
  /** A failure of the last action that did not come with a view (shown on the current screen). */
  readonly actionError: AppError | null;
  /** An action is waiting for the main process; further submits are ignored. */
  readonly pending: boolean;
  /**
   * The delivery (by when its resend opens) whose code was typed wrongly too often: its screen
   * offers no code box until a new code is sent, whatever error it shows since.
   */
  readonly spentDelivery: string | null;
  /** Shows a view from the main process (a response or an event). */
  readonly showView: (view: FlowView) => void;
  /** Start pressed: begins an unlock, unless the reader plainly has no card. */
  readonly startUnlock: () => Promise<void>;
  /** "This is my Smartcard": the form comes next, or, with one place to send the code, the send. */
  readonly confirmHolder: () => void;
  /** Sends the answers of the questions step, whichever flow asks them. */
  readonly submitAnswers: (answers: readonly AnswerInput[]) => Promise<void>;
  /** Sends the code by a channel: the holder's choice, again after a failure, or another way. */
  readonly sendCode: (channel: DeliveryChannel) => Promise<void>;
  readonly submitCode: (code: string) => Promise<void>;
  readonly resendCode: () => Promise<void>;
  readonly setPasscode: (passcode: string, confirmation: string) => Promise<void>;
  /** Asks the service desk to approve this unlock: a reference to read aloud (a new one after expiry). */
  readonly askDesk: () => Promise<void>;
  /** Register pressed: shows the passcode log-in. */
  readonly beginRegistration: () => Promise<void>;
  readonly logIn: (passcode: string) => Promise<void>;
  /** "I have forgotten my passcode" pressed: the unlock's verification for a card not locked. */
  readonly beginForgotten: () => Promise<void>;
  /** "Change your passcode" pressed: reads the card's tries, unless the reader plainly has no card. */
  readonly beginChange: () => Promise<void>;
  /** Sends the current and the new passcode (twice) to be changed on the card. */
  readonly changePasscode: (request: FlowActionRequest<'submit-passcodes'>) => Promise<void>;
  /** Ends the attempt (Cancel, Start again, Finish) and returns to the start screen. */
  readonly cancel: () => Promise<void>;
  /** Retry on a failure the main process marked retryable: begins the same journey again. */
  readonly retry: () => Promise<void>;
  /** Continue once the removed card is back: the main process checks it and resumes the attempt. */
  readonly resume: () => Promise<void>;
  /** Back to the initial state (tests, and a fresh start). */
  readonly reset: () => void;
}

/**
 * The flow a view belongs to by the lists (one of its steps asks with it, or it ends it); the
 * `current` journey first, since two flows may share a view (a forgotten passcode, an unlock).
 */
export function journeyOf(
  view: FlowView,
  flows: readonly FlowStepList[],
  current?: Journey,
): Journey | null {
  const has = (f: FlowStepList) =>
    f.done === view.kind || f.steps.some((step) => step.view === view.kind);
  const list = flows.find((f) => f.flow === current && has(f)) ?? flows.find(has);
  return list?.flow ?? null;
}

/** The step of the lists that a view asks for; null for idle, busy, done and failed. */
export function stepOf(view: FlowView, flows: readonly FlowStepList[]): FlowStep | null {
  for (const list of flows) {
    const step = list.steps.find((s) => s.view === view.kind);
    if (step !== undefined) return step;
  }
  return null;
}

/** A flow's first step: what its start screen asks for (nothing, or the card's passcode). */
export function firstStepOf(
  journey: Journey,
  flows: readonly FlowStepList[],
): FlowStep | undefined {
  return flows.find((f) => f.flow === journey)?.steps[0];
}

/**
 * The holder's one contact, when the screen asking where the code goes has no choice to offer and
 * nothing to report: the app sends the code there itself. Null otherwise.
 */
export function soleContact(view: FlowView): Contact | null {
  if (view.kind !== 'unlock-channel' || view.error !== undefined) return null;
  return view.contacts.length === 1 ? (view.contacts[0] ?? null) : null;
}

/** The delivery a code view says is spent (its tries used up), or null. */
function spentDeliveryOf(view: FlowView): string | null {
  if (view.kind !== 'unlock-code' && view.kind !== 'register-code') return null;
  if (view.delivery === null || view.error?.code !== 'CODE_TRIES_EXHAUSTED') return null;
  return view.delivery.resendAvailableAt;
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
  /** Sends an action of the step on screen, with the progress its list entry names. */
  const send = <A extends FlowAction>(action: A, request: FlowActionRequest<A>) => {
    const { view, flows, journey } = get();
    return run(stepOf(view, flows)?.progress ?? null, () => invokeFlow(journey, action, request));
  };
  /** Begins a journey that reads the card first; no card in the reader is said at once. */
  const beginWithCard = async (journey: Journey) => {
    const problem = readerProblem(get().reader);
    if (problem !== null) {
      set({ actionError: problem });
      return;
    }
    await begin(journey, {});
  };
  /** Begins a journey at the first step of its list. */
  const begin = (journey: Journey, request: FlowActionRequest<'start'>) => {
    set({ journey });
    const progress = firstStepOf(journey, get().flows)?.progress ?? null;
    return run(progress, () => invokeFlow(journey, 'start', request));
  };

  return {
    view: { kind: 'idle' },
    flows: [],
    journey: 'unlock',
    holderConfirmed: false,
    actionError: null,
    pending: false,
    spentDelivery: null,
    showView: (view) =>
      set((state) => ({
        view,
        spentDelivery: spentDeliveryOf(view) ?? state.spentDelivery,
        journey: journeyOf(view, state.flows, state.journey) ?? state.journey,
        // The confirmation holds through the busy steps between the form and its answer.
        holderConfirmed:
          view.kind === 'busy' || stepOf(view, state.flows)?.confirmHolder === true
            ? state.holderConfirmed
            : false,
        actionError: view.kind === state.view.kind ? state.actionError : null,
      })),
    startUnlock: () => beginWithCard('unlock'),
    confirmHolder: () => {
      set({ holderConfirmed: true });
      const only = soleContact(get().view);
      if (only !== null) void get().sendCode(only.channel);
    },
    submitAnswers: (answers) => {
      // Answers given beside the holder's warning confirm the card, as in the seed.
      if (stepOf(get().view, get().flows)?.confirmHolder === true) set({ holderConfirmed: true });
      return send('answer', { answers: answers.map((a) => ({ ...a })) });
    },
    sendCode: (channel) => {
      // So is a contact chosen beside it: a failed send comes back to the choice without it.
      if (stepOf(get().view, get().flows)?.confirmHolder === true) set({ holderConfirmed: true });
      return run('sending-code', () => invokeFlow(get().journey, 'send-code', { channel }));
    },
    submitCode: (code) => send('submit-code', { code }),
    resendCode: () => run(null, () => invokeFlow(get().journey, 'resend-code', {})),
    setPasscode: (passcode, confirmation) => send('set-passcode', { passcode, confirmation }),
    askDesk: () => run('asking-desk', () => invokeFlow(get().journey, 'ask-desk', {})),
    beginRegistration: async () => {
      if (get().view.kind !== 'idle') await get().cancel();
      set({ journey: 'register', actionError: null });
    },
    logIn: (passcode) => begin('register', { passcode }),
    beginChange: () => beginWithCard('change'),
    beginForgotten: () => beginWithCard('forgotten'),
    changePasscode: (request) => send('submit-passcodes', { ...request }),
    cancel: async () => {
      const result = await invoke((api) => api.flowCancel({}));
      set({ journey: 'unlock', pending: false });
      get().showView(result.ok ? result.value : { kind: 'idle' });
      if (!result.ok) set({ actionError: result.error });
    },
    retry: async () => {
      const { journey, flows } = get();
      if (firstStepOf(journey, flows)?.input === 'passcode') {
        // The passcode the failed step sent is gone: back to the screen that asks for it.
        await get().cancel();
        set({ journey });
        return;
      }
      set({ actionError: null });
      await begin(journey, {});
    },
    resume: () => run('reading-card', () => invoke((api) => api.flowResume({}))),
    reset: () => set(store.getInitialState()),
  };
};
