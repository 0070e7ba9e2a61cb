import type { ServerClient, ServerResult } from '../../src/main/server-client/server-client';
import { appError, type AppError } from '../../src/shared/errors';
import {
  unlockProofResponseSchema,
  type CodeDelivery,
  type Contact,
  type DeliveryChannel,
  type VerificationModel,
} from '../../src/shared/http-api';
import { err, ok } from '../../src/shared/result';

type Method = keyof ServerClient;
/** A call as the fake server saw it. */
export interface Call {
  readonly method: Method;
  readonly args: readonly unknown[];
}

/** The holder's contacts as the fake server masks them. */
export const EMAIL: Contact = { channel: 'email', maskedAddress: 'j****y@nhs.net' };
export const MOBILE: Contact = { channel: 'sms', maskedAddress: '07*** ***321' };

const AT = '2026-11-28T12:01:00.000Z';

/** What the fake server says it sent by `channel`. */
const deliveryBy = (contact: Contact, sendsLeft = 2): CodeDelivery => ({
  ...contact,
  codeLength: 8,
  resendAvailableAt: AT,
  sendsLeft,
});

/**
 * An in-test verification server for the runner's unit tests: it answers the happy path of the
 * model asked for (questions-and-code by email, unless told), records every call, and lets a test
 * replace any answer. The integration tests use the real server.
 */
export function fakeServerClient(options: {
  readonly code: string;
  readonly answers: Readonly<Record<string, string>>;
  readonly authorisation: { puk: string; unconfirmedPuk: string | null; nextPuk: string };
  readonly verification?: VerificationModel;
  /** The holder's contacts, in the server's order; the email alone unless told. */
  readonly contacts?: readonly Contact[];
}): {
  client: ServerClient;
  calls: Call[];
  override: (method: Method, answer: (...args: unknown[]) => ServerResult<unknown>) => void;
  /** The desk approves the attempt's reference: the next question says so, and the unblock follows. */
  approve: () => void;
} {
  const calls: Call[] = [];
  let verified = false;
  let approved = false;
  const verification = options.verification ?? 'questions-and-code';
  const contacts = options.contacts ?? [EMAIL];
  const questions = verification === 'questions-and-code';
  const choice = contacts.length > 1;
  // Resend goes where the last code went; the first is the one contact's, or the chosen one's.
  let last: Contact = contacts[0] ?? EMAIL;
  const overrides = new Map<Method, (...args: unknown[]) => ServerResult<unknown>>();
  const attemptId = 'attempt_0123456789abcdef';
  const nonce = 'bm9uY2Vub25jZW5vbmNlbm9uY2U';
  const started = () => ok({ attemptId, nonce, nonceExpiresAt: AT, expiresAt: AT });
  const defaults: Record<Method, (...args: unknown[]) => ServerResult<unknown>> = {
    unlockService: () =>
      ok({ verification, channels: [...new Set(contacts.map((c) => c.channel))] }),
    unlockStart: started,
    // Parsed, so that the fake says only what the real server could.
    unlockProof: () =>
      ok(
        unlockProofResponseSchema.parse({
          holderName: 'Mr John Rigby',
          verification,
          steps: [
            ...(questions ? ['answers'] : []),
            ...(questions && !choice ? [] : ['channel']),
            'code',
          ],
          contacts,
          questions: questions
            ? Object.keys(options.answers).map((id) => ({ id, text: `Question ${id}?` }))
            : [],
          answerTriesLeft: 3,
        }),
      ),
    unlockAnswers: (_id, answers) => {
      const right = (answers as { questionId: string; answer: string }[]).every(
        (a) => options.answers[a.questionId] === a.answer,
      );
      if (!right) return err(appError('ANSWERS_WRONG', { triesLeft: 2 }));
      return choice ? ok({ next: 'channel' }) : ok(deliveryBy(last));
    },
    unlockChannel: (_id, channel) => {
      const contact = contacts.find((c) => c.channel === (channel as DeliveryChannel));
      if (contact === undefined) return err(appError('VALIDATION_FAILED'));
      last = contact;
      return ok(deliveryBy(contact));
    },
    unlockResend: () => ok(deliveryBy(last, 1)),
    unlockCode: (_id, code) => {
      if (code !== options.code) return err(appError('CODE_WRONG', { triesLeft: 4 }));
      verified = true;
      return ok({ unblockBy: AT });
    },
    unlockApproval: () =>
      ok({ reference: '4KF-92Q', expiresAt: AT, pollAfterSeconds: 5, referencesLeft: 2 }),
    unlockApprovalStatus: () =>
      approved
        ? ok({ status: 'approved', holderName: 'Mr John Rigby' })
        : ok({ status: 'pending', expiresAt: AT, pollAfterSeconds: 5 }),
    // Like the server: the authorisation only after the right code, and only once.
    unlockUnblock: () => {
      if (!verified) return err(appError('ATTEMPT_STATE'));
      verified = false;
      return ok(options.authorisation);
    },
    unlockOutcome: () => ok(undefined),
    unlockCancel: () => ok(undefined),
    registerStart: started,
    registerProof: () =>
      ok({
        holderName: 'Mr John Rigby',
        maskedEmail: EMAIL.maskedAddress,
        catalogue: [
          { id: 'q1', text: 'Car?' },
          { id: 'q2', text: 'Phone?' },
          { id: 'q3', text: 'School?' },
        ],
        questionsRequired: 2,
        alreadyRegistered: false,
      }),
    registerAnswers: () => ok(deliveryBy(EMAIL)),
    registerResend: () => ok(deliveryBy(EMAIL)),
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
  return {
    client,
    calls,
    override: (method, answer) => overrides.set(method, answer),
    approve: () => {
      approved = true;
      verified = true;
    },
  };
}

/** A refusal for overrides. */
export const refuse = (error: AppError) => () => err(error);
