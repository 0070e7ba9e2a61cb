// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { journeyOf, readerProblem, soleContact } from '../../../../src/renderer/store/flow-slice';
import { useWizardStore } from '../../../../src/renderer/store/wizard-store';
import { appError } from '../../../../src/shared/errors';
import type { FlowView } from '../../../../src/shared/ipc-contract';
import {
  CARD_PRESENT,
  NO_CARD,
  createFakeApi,
  failure,
  installApi,
  ok,
  STEP_LISTS,
  uninstallApi,
  type FakeApi,
} from '../support/fake-api';
import { channelView, codeView, EMAIL, MOBILE, questionsView } from '../support/views';

const store = () => useWizardStore.getState();
let api: FakeApi;

beforeEach(async () => {
  api = createFakeApi();
  installApi(api);
  // The store follows the flows' step lists, which the main process gives on load.
  await store().load();
});
afterEach(() => {
  store().reset();
  uninstallApi();
});

describe('journeyOf', () => {
  it.each<[FlowView['kind'], string | null]>([
    ['unlock-questions', 'unlock'],
    ['unlock-channel', 'unlock'],
    ['unlock-code', 'unlock'],
    ['unlock-new-passcode', 'unlock'],
    ['unlock-done', 'unlock'],
    ['register-questions', 'register'],
    ['register-code', 'register'],
    ['register-done', 'register'],
    ['idle', null],
    ['busy', null],
    ['failed', null],
  ])('when the view is %s, then the journey is %s', (kind, journey) => {
    expect(journeyOf({ kind } as FlowView, STEP_LISTS)).toBe(journey);
  });
});

describe('soleContact', () => {
  it('when the holder has one contact and nothing went wrong, then the code goes there without a choice', () => {
    expect(soleContact(channelView([MOBILE]))).toEqual(MOBILE);
  });

  it.each<[string, FlowView]>([
    ['two contacts', channelView([MOBILE, EMAIL])],
    ['a failed send', channelView([MOBILE], { error: appError('TEXT_UNAVAILABLE') })],
    ['the code screen', codeView()],
  ])('when there is %s, then the app does not send by itself', (_, view) => {
    expect(soleContact(view)).toBeNull();
  });
});

describe('readerProblem', () => {
  it('when the status is unknown or a card is present, then Start may proceed', () => {
    expect(readerProblem(null)).toBeNull();
    expect(readerProblem(CARD_PRESENT)).toBeNull();
  });

  it.each([
    ['service-down', 'CARD_SERVICE_DOWN'],
    ['no-reader', 'READER_MISSING'],
    ['no-card', 'CARD_ABSENT'],
    ['choose-reader', 'READER_CHOICE_NEEDED'],
  ] as const)('when the reader is %s, then Start reports %s', (state, code) => {
    expect(readerProblem({ ...NO_CARD, state })?.code).toBe(code);
  });
});

describe('flow actions', () => {
  it('when an action fails without a view, then the previous screen returns with the error', async () => {
    store().showView(codeView());
    api.unlockSubmitCode.mockResolvedValueOnce(failure(appError('SERVER_UNREACHABLE')));
    await store().submitCode('ABCD2345');
    expect(store().view.kind).toBe('unlock-code');
    expect(store().actionError?.code).toBe('SERVER_UNREACHABLE');
    expect(store().pending).toBe(false);
  });

  it('when the bridge rejects, then the error is INTERNAL rather than an exception', async () => {
    store().showView(codeView());
    api.unlockSubmitCode.mockRejectedValueOnce(new Error('bridge closed'));
    await store().submitCode('ABCD2345');
    expect(store().actionError?.code).toBe('INTERNAL');
  });

  it('when an action is pending, then a second submit is ignored', async () => {
    store().showView(codeView());
    let release: () => void = () => undefined;
    api.unlockSubmitCode.mockImplementationOnce(
      () => new Promise((resolve) => (release = () => resolve(ok(codeView())))),
    );
    const first = store().submitCode('ABCD2345');
    expect(store().view).toEqual({ kind: 'busy', step: 'checking-code' });
    await store().submitCode('ABCD2345');
    release();
    await first;
    expect(api.unlockSubmitCode).toHaveBeenCalledTimes(1);
  });

  it('when the holder confirmed, then it holds through busy steps and clears once the attempt ends', () => {
    store().showView(questionsView());
    store().confirmHolder();
    store().showView({ kind: 'busy', step: 'checking-answers' });
    store().showView(questionsView({ error: appError('ANSWERS_WRONG') }));
    expect(store().holderConfirmed).toBe(true);
    store().showView({ kind: 'idle' });
    store().showView(questionsView());
    expect(store().holderConfirmed).toBe(false);
  });

  it('when the holder confirms a card with one contact, then the code is sent there with its progress shown', async () => {
    store().showView(channelView([MOBILE]));
    let release: () => void = () => undefined;
    api.unlockSendCode.mockImplementationOnce(
      () =>
        new Promise(
          (resolve) => (release = () => resolve(ok(codeView(60, 2, 'unlock-code', MOBILE)))),
        ),
    );
    store().confirmHolder();
    expect(api.unlockSendCode).toHaveBeenCalledWith({ channel: 'sms' });
    expect(store().view).toEqual({ kind: 'busy', step: 'sending-code' });
    release();
    await expect.poll(() => store().view.kind).toBe('unlock-code');
    expect(store().holderConfirmed).toBe(false);
  });

  it('when the holder confirms a card with two contacts, then nothing is sent until they choose', async () => {
    store().showView(channelView([MOBILE, EMAIL]));
    store().confirmHolder();
    expect(api.unlockSendCode).not.toHaveBeenCalled();
    await store().sendCode('email');
    expect(api.unlockSendCode).toHaveBeenCalledWith({ channel: 'email' });
  });

  it('when sending fails without a view, then the choice returns with the error, still confirmed', async () => {
    store().showView(channelView([MOBILE, EMAIL]));
    store().confirmHolder();
    api.unlockSendCode.mockResolvedValueOnce(failure(appError('SERVER_UNREACHABLE')));
    await store().sendCode('sms');
    expect(store().view.kind).toBe('unlock-channel');
    expect(store().actionError?.code).toBe('SERVER_UNREACHABLE');
    expect(store().holderConfirmed).toBe(true);
  });

  it('when a step is sent, then the progress its list entry names shows at once', async () => {
    useWizardStore.setState({
      flows: STEP_LISTS.map((list) => ({
        ...list,
        steps: list.steps.map((step) => ({ ...step, progress: 'registering' as const })),
      })),
    });
    store().showView(codeView());
    let release: () => void = () => undefined;
    api.unlockSubmitCode.mockImplementationOnce(
      () => new Promise((resolve) => (release = () => resolve(ok(codeView())))),
    );
    const sent = store().submitCode('ABCD2345');
    expect(store().view).toEqual({ kind: 'busy', step: 'registering' });
    release();
    await sent;
  });

  it('when the step lists cannot be read, then the app reports the failure instead of guessing', async () => {
    store().reset();
    api.flowGetSteps.mockResolvedValueOnce(failure(appError('INTERNAL')));
    await store().load();
    expect(store().connection).toBe('failed');
    expect(store().connectionError?.code).toBe('INTERNAL');
  });

  it('when in registration, then the code goes to the register channel', async () => {
    store().showView(codeView(0, 2, 'register-code'));
    await store().submitCode('ABCD2345');
    await store().resendCode();
    expect(api.registerSubmitCode).toHaveBeenCalledWith({ code: 'ABCD2345' });
    expect(api.registerResendCode).toHaveBeenCalledTimes(1);
    expect(api.unlockSubmitCode).not.toHaveBeenCalled();
  });

  it('when a registration fails and is retried, then the log-in page returns', async () => {
    store().showView({
      kind: 'failed',
      error: appError('SERVER_UNREACHABLE'),
      canRetry: true,
    });
    await store().logIn('1234');
    await store().retry();
    expect(api.flowCancel).toHaveBeenCalledTimes(1);
    expect(store().journey).toBe('register');
    expect(store().view.kind).toBe('idle');
  });

  it('when reset, then the store is back to its initial state', async () => {
    await store().load();
    store().showView(questionsView());
    store().reset();
    expect(store().view).toEqual({ kind: 'idle' });
    expect(store().info).toBeNull();
    expect(store().reader).toBeNull();
    expect(store().connection).toBe('loading');
  });

  it('when events arrive, then the store follows the reader and the flow', () => {
    const off = store().connect();
    api.emitReader(NO_CARD);
    api.emitView(codeView());
    expect(store().reader?.state).toBe('no-card');
    expect(store().view.kind).toBe('unlock-code');
    off();
    api.emitReader(CARD_PRESENT);
    expect(store().reader?.state).toBe('no-card');
  });
});
