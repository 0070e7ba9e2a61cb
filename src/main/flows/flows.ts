import type { FlowName, FlowStepList } from '../../shared/ipc-contract';
import { ok, type Result } from '../../shared/result';
import type { ServerClient } from '../server-client/server-client';
import { approvalStep } from './approval-step';
import { answersStep, codeStep, proveStep, type AttemptRoutes } from './attempt-steps';
import { channelStep } from './channel-step';
import {
  CHANGE_IDLE,
  changeCardOf,
  changeTransition,
  changeView,
  isChangeBusy,
  type ChangeEvent,
  type ChangeState,
} from './change-flow';
import { changePasscodeStep, readPasscodeTriesStep } from './change-steps';
import { registrationView, unlockView } from './flow-view';
import {
  isRegistrationBusy,
  REGISTRATION_IDLE,
  registrationAttemptOf,
  registrationTransition,
  type RegistrationEvent,
  type RegistrationState,
} from './registration-flow';
import { anyFlow, type AnyFlow, type Flow } from './step-runner';
import { newPasscodeStep } from './unblock';
import {
  forgottenAttemptOf,
  forgottenTransition,
  isForgottenBusy,
  isUnlockBusy,
  UNLOCK_IDLE,
  UNLOCK_PAUSES,
  unlockAttemptOf,
  unlockTransition,
  type UnlockEvent,
  type UnlockState,
} from './unlock-flow';

// The flows by name, each a list of steps. A new flow is a new list here, plus any step it lacks.

/** The flows that open an attempt on the server (a change of passcode is the card's alone). */
type ServerFlow = Extract<FlowName, 'unlock' | 'register'>;

/** What each flow's proof brings back from the server. */
type Proofs = {
  readonly [F in ServerFlow]: Awaited<ReturnType<ServerClient[`${F}Proof`]>> extends Result<
    infer P,
    unknown
  >
    ? P
    : never;
};

/**
 * A flow's routes: the client's methods its name begins (`unlock` → `unlockStart`), looked up at
 * each call so that a client method replaced later is the one used.
 */
function routesOf<F extends ServerFlow>(flow: F): AttemptRoutes<Proofs[F]> {
  const routes: AttemptRoutes<unknown> = {
    start: (server, cardId) => server[`${flow}Start`](cardId),
    proof: (server, id, signature) => server[`${flow}Proof`](id, signature),
    answers: (server, id, answers) => server[`${flow}Answers`](id, answers),
    resend: (server, id) => server[`${flow}Resend`](id),
    code: (server, id, code) => server[`${flow}Code`](id, code),
    cancel: (server, id) => server[`${flow}Cancel`](id),
  };
  return routes as AttemptRoutes<Proofs[F]>;
}

const unlockRoutes = routesOf('unlock');
const registerRoutes = routesOf('register');

/**
 * The unlock's steps: the server's unlock routes, whichever card state the flow takes. The server
 * says per attempt which of the questions and the channel it takes, and the desk's approval may
 * stand in for them; `purpose` is the outcome's.
 */
const unlockSteps = (purpose?: 'forgotten') => [
  proveStep({ routes: unlockRoutes, log: 'unlock', purpose: 'unlock' }),
  answersStep({
    routes: unlockRoutes,
    log: 'unlock',
    view: 'unlock-questions',
    confirmHolder: true,
    progress: 'checking-answers',
  }),
  channelStep({ send: (server, id, channel) => server.unlockChannel(id, channel), log: 'unlock' }),
  codeStep({
    routes: unlockRoutes,
    log: 'unlock',
    view: 'unlock-code',
    progress: 'checking-code',
    accepted: { type: 'code-accepted' } as const,
    acceptedLog: 'unlock: code accepted',
  }),
  approvalStep(),
  newPasscodeStep({
    release: (server, id) => server.unlockUnblock(id),
    report: (server, id, outcome) => server.unlockOutcome(id, outcome),
    ...(purpose === undefined ? {} : { purpose }),
  }),
];

const unlock: Flow<UnlockState, UnlockEvent> = {
  name: 'unlock',
  logName: 'unlock',
  idle: UNLOCK_IDLE,
  transition: unlockTransition,
  view: unlockView,
  attemptOf: unlockAttemptOf,
  isBusy: isUnlockBusy,
  holds: new Set(['unblocking']),
  pauses: UNLOCK_PAUSES,
  cancelAttempt: unlockRoutes.cancel,
  done: 'unlock-done',
  steps: unlockSteps(),
};

// The same attempt and steps; the card the app takes differs, and the outcome names the purpose.
const forgotten: Flow<UnlockState, UnlockEvent> = {
  ...unlock,
  name: 'forgotten',
  logName: 'forgotten passcode',
  transition: forgottenTransition,
  isBusy: isForgottenBusy,
  attemptOf: forgottenAttemptOf,
  steps: unlockSteps('forgotten'),
};

const register: Flow<RegistrationState, RegistrationEvent> = {
  name: 'register',
  logName: 'registration',
  idle: REGISTRATION_IDLE,
  transition: registrationTransition,
  view: registrationView,
  attemptOf: registrationAttemptOf,
  isBusy: isRegistrationBusy,
  holds: new Set(),
  // Its card proof needed the passcode, which a card put back cannot give without asking again.
  pauses: new Set(),
  cancelAttempt: registerRoutes.cancel,
  done: 'register-done',
  steps: [
    proveStep({ routes: registerRoutes, log: 'registration', purpose: 'register' }),
    answersStep({
      routes: registerRoutes,
      log: 'registration',
      view: 'register-questions',
      confirmHolder: false,
      progress: 'registering',
    }),
    codeStep({
      routes: registerRoutes,
      log: 'registration',
      view: 'register-code',
      progress: 'checking-code',
      accepted: { type: 'confirmed' } as const,
      acceptedLog: 'registration complete',
    }),
  ],
};

const change: Flow<ChangeState, ChangeEvent> = {
  name: 'change',
  logName: 'change of passcode',
  idle: CHANGE_IDLE,
  transition: changeTransition,
  view: changeView,
  attemptOf: changeCardOf,
  isBusy: isChangeBusy,
  // The card command reports a pulled card itself, and what the card did.
  holds: new Set(['changing']),
  pauses: new Set(),
  cancelAttempt: () => Promise.resolve(ok(undefined)),
  done: 'change-done',
  steps: [readPasscodeTriesStep(), changePasscodeStep()],
};

/** Every flow the app runs, by the name its IPC channels begin with. */
export const FLOWS: Readonly<Record<FlowName, AnyFlow>> = {
  unlock: anyFlow(unlock),
  register: anyFlow(register),
  change: anyFlow(change),
  forgotten: anyFlow(forgotten),
};

/** Every flow's list as the screens follow it (`flow:get-steps`): the steps without their work. */
export function flowStepLists(): FlowStepList[] {
  return Object.values(FLOWS).map((flow) => ({
    flow: flow.name,
    done: flow.done,
    steps: flow.steps.map(({ view, input, confirmHolder, progress }) => ({
      view,
      input,
      confirmHolder,
      progress,
    })),
  }));
}
