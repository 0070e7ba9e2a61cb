import type { ServerClient, ServerResult } from '../../src/main/server-client/server-client';
import { appError, type AppError } from '../../src/shared/errors';
import { err, ok } from '../../src/shared/result';

type Method = keyof ServerClient;
/** A call as the fake server saw it. */
export interface Call {
  readonly method: Method;
  readonly args: readonly unknown[];
}

const delivery = {
  maskedEmail: 'j****y@nhs.net',
  codeLength: 8,
  resendAvailableAt: '2026-11-28T12:01:00.000Z',
  sendsLeft: 2,
};

/**
 * An in-test verification server for the runner's unit tests: it answers the happy path, records
 * every call, and lets a test replace any answer. The integration tests use the real server.
 */
export function fakeServerClient(options: {
  readonly code: string;
  readonly answers: Readonly<Record<string, string>>;
  readonly authorisation: { puk: string; unconfirmedPuk: string | null; nextPuk: string };
}): {
  client: ServerClient;
  calls: Call[];
  override: (method: Method, answer: (...args: unknown[]) => ServerResult<unknown>) => void;
} {
  const calls: Call[] = [];
  let verified = false;
  const overrides = new Map<Method, (...args: unknown[]) => ServerResult<unknown>>();
  const attemptId = 'attempt_0123456789abcdef';
  const nonce = 'bm9uY2Vub25jZW5vbmNlbm9uY2U';
  const defaults: Record<Method, (...args: unknown[]) => ServerResult<unknown>> = {
    unlockStart: () =>
      ok({
        attemptId,
        nonce,
        nonceExpiresAt: delivery.resendAvailableAt,
        expiresAt: delivery.resendAvailableAt,
      }),
    unlockProof: () =>
      ok({
        holderName: 'Mr John Rigby',
        questions: Object.keys(options.answers).map((id) => ({ id, text: `Question ${id}?` })),
        answerTriesLeft: 3,
      }),
    unlockAnswers: (_id, answers) =>
      (answers as { questionId: string; answer: string }[]).every(
        (a) => options.answers[a.questionId] === a.answer,
      )
        ? ok(delivery)
        : err(appError('ANSWERS_WRONG', { triesLeft: 2 })),
    unlockResend: () => ok({ ...delivery, sendsLeft: 1 }),
    unlockCode: (_id, code) => {
      if (code !== options.code) return err(appError('CODE_WRONG', { triesLeft: 4 }));
      verified = true;
      return ok({ unblockBy: delivery.resendAvailableAt });
    },
    // Like the server: the authorisation only after the right code, and only once.
    unlockUnblock: () => {
      if (!verified) return err(appError('ATTEMPT_STATE'));
      verified = false;
      return ok(options.authorisation);
    },
    unlockOutcome: () => ok(undefined),
    unlockCancel: () => ok(undefined),
    registerStart: () =>
      ok({
        attemptId,
        nonce,
        nonceExpiresAt: delivery.resendAvailableAt,
        expiresAt: delivery.resendAvailableAt,
      }),
    registerProof: () =>
      ok({
        holderName: 'Mr John Rigby',
        maskedEmail: delivery.maskedEmail,
        catalogue: [
          { id: 'q1', text: 'Car?' },
          { id: 'q2', text: 'Phone?' },
          { id: 'q3', text: 'School?' },
        ],
        questionsRequired: 2,
      }),
    registerAnswers: () => ok(delivery),
    registerResend: () => ok(delivery),
    registerCode: (_id, code) =>
      code === options.code ? ok(undefined) : err(appError('CODE_WRONG', { triesLeft: 4 })),
    registerCancel: () => ok(undefined),
  };
  const client = Object.fromEntries(
    (Object.keys(defaults) as Method[]).map((method) => [
      method,
      (...args: unknown[]) => {
        calls.push({ method, args });
        return Promise.resolve((overrides.get(method) ?? defaults[method])(...args));
      },
    ]),
  ) as unknown as ServerClient;
  return { client, calls, override: (method, answer) => overrides.set(method, answer) };
}

/** A refusal for overrides. */
export const refuse = (error: AppError) => () => err(error);
