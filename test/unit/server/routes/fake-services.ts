import type {
  AttemptService,
  DomainResult,
  HealthProbe,
  RegistrationService,
  RegistrationSteps,
  RequestContext,
  StepShapes,
  UnlockService,
  UnlockSteps,
  VerificationPolicy,
} from '../../../../server/domain/ports';
import type { CodeDelivery, UnblockAuthorisation } from '../../../../src/shared/http-api';
import { err, ok } from '../../../../src/shared/result';

/**
 * A small in-memory stand-in for the domain, enough to drive every route and error path over
 * real HTTP. The real services are exercised by the integration tests.
 */

export const KNOWN_CARD = 'a1'.repeat(16);
export const UNREGISTERED_CARD = 'b2'.repeat(16);
export const LOCKED_CARD = 'c3'.repeat(16);
export const GOOD_SIGNATURE = Buffer.from('good signature').toString('base64');
export const RIGHT_ANSWER = 'Rigby Street';
export const RIGHT_CODE = 'ABCD2345';
export const PUK = '12345678';
export const NEXT_PUK = '87654321';
/** An attempt id the fake throws on, to prove unexpected faults become a 500 without details. */
export const THROWING_ATTEMPT = 'throw-throw-throw-throw';
/** An attempt id for which the fake returns a body that breaks the response schema. */
export const MALFORMED_ATTEMPT = 'malformed-malformed-1';

/** A fake flow: the shared operations, and one handler per step. */
function fakeFlow<S extends StepShapes>(
  shared: Omit<AttemptService<S>, 'step'>,
  steps: {
    readonly [K in keyof S]: (
      attemptId: string,
      input: S[K]['input'],
      ctx: RequestContext,
    ) => Promise<DomainResult<S[K]['output']>>;
  },
): AttemptService<S> {
  return { ...shared, step: (name, attemptId, input, ctx) => steps[name](attemptId, input, ctx) };
}

const delivery = (): CodeDelivery => ({
  channel: 'email',
  maskedAddress: 'j****y@nhs.net',
  codeLength: 8,
  resendAvailableAt: new Date(Date.now() + 60_000).toISOString(),
  sendsLeft: 2,
});

/** Everything the fake was called with, so tests can assert what reached the domain. */
export interface FakeCalls {
  readonly contexts: RequestContext[];
  readonly signatures: Uint8Array[];
  readonly answers: unknown[];
  readonly codes: string[];
}

/** The fake services and the calls they saw. */
export function fakeServices(options: { readonly databaseUp?: () => boolean } = {}): {
  readonly unlock: UnlockService;
  readonly registration: RegistrationService;
  readonly health: HealthProbe;
  readonly verification: VerificationPolicy;
  readonly calls: FakeCalls;
} {
  const calls: FakeCalls = { contexts: [], signatures: [], answers: [], codes: [] };
  const attempts = new Map<string, { wrong: number; cardId: string }>();
  let next = 0;

  const find = (
    attemptId: string,
    ctx: RequestContext,
  ): DomainResult<{ wrong: number; cardId: string }> => {
    calls.contexts.push(ctx);
    if (attemptId === THROWING_ATTEMPT) throw new Error('database exploded');
    const attempt = attempts.get(attemptId);
    return attempt === undefined ? err({ code: 'ATTEMPT_NOT_FOUND' }) : ok(attempt);
  };

  const start = (cardId: string, ctx: RequestContext) => {
    calls.contexts.push(ctx);
    // As the real domain: any card id starts an attempt; only a verified proof tells about it.
    const attemptId = `attempt-${String(next++).padStart(12, '0')}`;
    attempts.set(attemptId, { wrong: 0, cardId });
    return Promise.resolve(
      ok({
        attemptId,
        nonce: Buffer.alloc(32, 7).toString('base64url'),
        nonceExpiresAt: new Date(Date.now() + 120_000).toISOString(),
        expiresAt: new Date(Date.now() + 900_000).toISOString(),
      }),
    );
  };

  const prove = <T>(attemptId: string, signature: Uint8Array, ctx: RequestContext, value: T) => {
    const found = find(attemptId, ctx);
    if (!found.ok) return Promise.resolve(found);
    calls.signatures.push(signature);
    const { cardId } = found.value;
    const good = Buffer.from(signature).toString('base64') === GOOD_SIGNATURE;
    if (!good || ![KNOWN_CARD, UNREGISTERED_CARD, LOCKED_CARD].includes(cardId)) {
      return Promise.resolve(err({ code: 'PROOF_INVALID' as const }));
    }
    if (cardId === UNREGISTERED_CARD) {
      return Promise.resolve(err({ code: 'CARD_NOT_REGISTERED' as const }));
    }
    if (cardId === LOCKED_CARD)
      return Promise.resolve(err({ code: 'SELF_SERVICE_LOCKED' as const }));
    return Promise.resolve(ok(value));
  };

  const answer = (
    attemptId: string,
    answers: readonly { questionId: string; answer: string }[],
    ctx: RequestContext,
  ): Promise<DomainResult<CodeDelivery>> => {
    if (attemptId === MALFORMED_ATTEMPT) {
      return Promise.resolve(ok({ maskedAddress: 'x', sendsLeft: -1 } as unknown as CodeDelivery));
    }
    const found = find(attemptId, ctx);
    if (!found.ok) return Promise.resolve(found);
    calls.answers.push(answers);
    if (answers.every((a) => a.answer === RIGHT_ANSWER)) return Promise.resolve(ok(delivery()));
    found.value.wrong += 1;
    const triesLeft = 3 - found.value.wrong;
    return Promise.resolve(
      triesLeft <= 0
        ? err({ code: 'SELF_SERVICE_LOCKED' as const })
        : err({ code: 'ANSWERS_WRONG' as const, details: { triesLeft } }),
    );
  };

  const resend = (attemptId: string, ctx: RequestContext): Promise<DomainResult<CodeDelivery>> => {
    const found = find(attemptId, ctx);
    if (!found.ok) return Promise.resolve(found);
    return Promise.resolve(err({ code: 'RESEND_TOO_SOON', details: { retryAfterSeconds: 42 } }));
  };

  const checkCode = <T>(attemptId: string, code: string, ctx: RequestContext, value: T) => {
    const found = find(attemptId, ctx);
    if (!found.ok) return Promise.resolve(found);
    calls.codes.push(code);
    return Promise.resolve(
      code === RIGHT_CODE
        ? ok(value)
        : err({ code: 'CODE_WRONG' as const, details: { triesLeft: 4 } }),
    );
  };

  const done = (attemptId: string, ctx: RequestContext): Promise<DomainResult<void>> => {
    const found = find(attemptId, ctx);
    return Promise.resolve(found.ok ? ok(undefined) : found);
  };

  const UNBLOCK_BY = '2026-11-28T10:15:00.000Z';
  const authorisation: UnblockAuthorisation = { puk: PUK, unconfirmedPuk: null, nextPuk: NEXT_PUK };
  const questions = [
    { id: 'first-school', text: 'What was the name of your first school?' },
    { id: 'first-street', text: 'What was the name of the street you grew up in?' },
  ];

  return {
    calls,
    unlock: fakeFlow<UnlockSteps>(
      { start, resendCode: resend, cancel: done },
      {
        proof: (id, sig, ctx) =>
          prove(id, sig, ctx, {
            holderName: 'Mr John Rigby',
            verification: 'questions-and-code',
            steps: ['answers', 'code'],
            contacts: [{ channel: 'email', maskedAddress: 'j****y@nhs.net' }],
            questions,
            answerTriesLeft: 3,
          }),
        answers: answer,
        channel: (id, _channel, ctx) => {
          const found = find(id, ctx);
          return Promise.resolve(found.ok ? ok(delivery()) : found);
        },
        code: (id, code, ctx) => checkCode(id, code, ctx, { unblockBy: UNBLOCK_BY }),
        approval: (id, _input, ctx) => {
          const found = find(id, ctx);
          const issued = { reference: '4KF-92Q', expiresAt: UNBLOCK_BY, pollAfterSeconds: 5 };
          return Promise.resolve(found.ok ? ok({ ...issued, referencesLeft: 2 }) : found);
        },
        approvalStatus: (id, _input, ctx) => {
          const found = find(id, ctx);
          const pending = {
            status: 'pending',
            expiresAt: UNBLOCK_BY,
            pollAfterSeconds: 5,
          } as const;
          return Promise.resolve(found.ok ? ok(pending) : found);
        },
        unblock: (id, _input, ctx) => {
          const found = find(id, ctx);
          return Promise.resolve(found.ok ? ok(authorisation) : found);
        },
        outcome: (id, _outcome, ctx) => done(id, ctx),
      },
    ),
    registration: fakeFlow<RegistrationSteps>(
      { start, resendCode: resend, cancel: done },
      {
        proof: (id, sig, ctx) =>
          prove(id, sig, ctx, {
            holderName: 'Mr John Rigby',
            maskedEmail: 'j****y@nhs.net',
            catalogue: questions,
            questionsRequired: 2,
            alreadyRegistered: false,
          }),
        answers: answer,
        code: (id, code, ctx) => checkCode(id, code, ctx, undefined),
      },
    ),
    health: {
      checkDatabase: () =>
        Promise.resolve(
          (options.databaseUp?.() ?? true)
            ? { ok: true as const }
            : { ok: false as const, reason: 'connection refused' },
        ),
    },
    verification: { verification: 'questions-and-code', channels: ['email'] },
  };
}
