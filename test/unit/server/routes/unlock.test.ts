import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  codeDeliverySchema,
  errorResponseSchema,
  startAttemptResponseSchema,
  codeVerifiedResponseSchema,
  unblockAuthorisationSchema,
  unlockProofResponseSchema,
  unlockServiceResponseSchema,
} from '../../../../src/shared/http-api';
import {
  GOOD_SIGNATURE,
  KNOWN_CARD,
  LOCKED_CARD,
  NEXT_PUK,
  PUK,
  RIGHT_ANSWER,
  RIGHT_CODE,
  UNREGISTERED_CARD,
} from './fake-services';
import { startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const answers = (answer: string) => ({
  answers: [
    { questionId: 'first-school', answer },
    { questionId: 'first-street', answer },
  ],
});

async function startAttempt(): Promise<string> {
  const res = await h.request('POST', '/v1/unlock/attempts', { cardId: KNOWN_CARD });
  expect(res.status).toBe(201);
  return startAttemptResponseSchema.parse(res.body).attemptId;
}

/** The error code and status of a response, for compact assertions. */
function failure(res: { status: number; body: unknown }): [number, string] {
  return [res.status, errorResponseSchema.parse(res.body).error.code];
}

describe('the unlock routes', () => {
  it('when a holder goes through every step, then each answers its documented status and body', async () => {
    const attemptId = await startAttempt();
    const base = `/v1/unlock/attempts/${attemptId}`;

    const proof = await h.request('POST', `${base}/card-proof`, { signature: GOOD_SIGNATURE });
    expect(proof.status).toBe(200);
    expect(unlockProofResponseSchema.parse(proof.body).holderName).toBe('Mr John Rigby');

    const answered = await h.request('POST', `${base}/answers`, answers(RIGHT_ANSWER));
    expect(answered.status).toBe(200);
    expect(answered.body).toMatchObject({
      channel: 'email',
      maskedAddress: 'j****y@nhs.net',
      sendsLeft: 2,
    });

    const code = await h.request('POST', `${base}/code`, { code: 'abcd-2345' });
    expect(code.status).toBe(200);
    expect(codeVerifiedResponseSchema.parse(code.body)).toEqual({
      unblockBy: '2026-11-28T10:15:00.000Z',
    });

    const unblock = await h.request('POST', `${base}/unblock`);
    expect(unblock.status).toBe(200);
    expect(unblockAuthorisationSchema.parse(unblock.body)).toEqual({
      puk: PUK,
      unconfirmedPuk: null,
      nextPuk: NEXT_PUK,
    });

    const outcome = await h.request('POST', `${base}/outcome`, {
      outcome: 'unlocked',
      pukOnCard: 'next',
    });
    expect(outcome.status).toBe(204);
    expect(outcome.text).toBe('');

    const cancelled = await h.request('DELETE', base);
    expect(cancelled.status).toBe(204);
  });

  it('when the app asks how holders are checked, then it gets the model and the channels', async () => {
    const res = await h.request('GET', '/v1/unlock/service');
    expect(res.status).toBe(200);
    expect(unlockServiceResponseSchema.parse(res.body)).toEqual({
      verification: 'questions-and-code',
      channels: ['email'],
    });
  });

  it('when the holder chooses a channel, then a known one sends the code and any other is refused as invalid', async () => {
    const base = `/v1/unlock/attempts/${await startAttempt()}`;
    const sent = await h.request('POST', `${base}/code/send`, { channel: 'email' });
    expect(sent.status).toBe(200);
    expect(codeDeliverySchema.parse(sent.body).channel).toBe('email');
    const fax = await h.request('POST', `${base}/code/send`, { channel: 'fax' });
    expect(failure(fax)).toEqual([400, 'VALIDATION_FAILED']);
    expect(errorResponseSchema.parse(fax.body).error.details).toEqual({ field: 'channel' });
    expect(failure(await h.request('POST', `${base}/code/send`, {}))).toEqual([
      400,
      'VALIDATION_FAILED',
    ]);
  });

  it('when a code is typed with spaces, hyphens and lower case, then the domain receives it normalised', async () => {
    const attemptId = await startAttempt();
    await h.request('POST', `/v1/unlock/attempts/${attemptId}/code`, { code: ' abcd 2345 ' });
    expect(h.services.calls.codes.at(-1)).toBe(RIGHT_CODE);
  });

  it('when the card proof arrives, then the domain receives the DER bytes decoded from base64', async () => {
    const attemptId = await startAttempt();
    await h.request('POST', `/v1/unlock/attempts/${attemptId}/card-proof`, {
      signature: GOOD_SIGNATURE,
    });
    expect(Buffer.from(h.services.calls.signatures.at(-1)!).toString()).toBe('good signature');
  });

  it('when a request reaches the domain, then it carries the source address and the request id', async () => {
    await h.request(
      'POST',
      '/v1/unlock/attempts',
      { cardId: KNOWN_CARD },
      { 'x-request-id': 'desk-42' },
    );
    expect(h.services.calls.contexts.at(-1)).toEqual({
      sourceAddress: '127.0.0.1',
      requestId: 'desk-42',
    });
  });

  it('when the card id is not 32 hex digits, then the start answers 400 VALIDATION_FAILED', async () => {
    const res = await h.request('POST', '/v1/unlock/attempts', { cardId: 'xyz' });
    expect(failure(res)).toEqual([400, 'VALIDATION_FAILED']);
  });

  it.each([
    ['an unknown card', 'f0'.repeat(16), 403, 'PROOF_INVALID'],
    ['a card that is not registered', UNREGISTERED_CARD, 409, 'CARD_NOT_REGISTERED'],
    ['a card locked for self-service', LOCKED_CARD, 423, 'SELF_SERVICE_LOCKED'],
  ])(
    'when the attempt starts with %s, then the start answers 201 like any other and its proof answers %i %s',
    async (_what, cardId, status, code) => {
      const started = await h.request('POST', '/v1/unlock/attempts', { cardId });
      expect(started.status).toBe(201);
      const { attemptId } = started.body as { attemptId: string };
      const res = await h.request('POST', `/v1/unlock/attempts/${attemptId}/card-proof`, {
        signature: GOOD_SIGNATURE,
      });
      expect(failure(res)).toEqual([status, code]);
    },
  );

  it('when the card proof is not valid, then it answers 403 PROOF_INVALID', async () => {
    const attemptId = await startAttempt();
    const res = await h.request('POST', `/v1/unlock/attempts/${attemptId}/card-proof`, {
      signature: Buffer.from('forged').toString('base64'),
    });
    expect(failure(res)).toEqual([403, 'PROOF_INVALID']);
  });

  it('when answers are wrong, then it answers 422 ANSWERS_WRONG with the tries left, and 423 once locked', async () => {
    const attemptId = await startAttempt();
    const path = `/v1/unlock/attempts/${attemptId}/answers`;
    const first = await h.request('POST', path, answers('wrong'));
    expect(failure(first)).toEqual([422, 'ANSWERS_WRONG']);
    expect(errorResponseSchema.parse(first.body).error).toMatchObject({
      details: { triesLeft: 2 },
      message: expect.stringContaining('You have 2 more tries left.'),
    });
    await h.request('POST', path, answers('wrong'));
    const third = await h.request('POST', path, answers('wrong'));
    expect(failure(third)).toEqual([423, 'SELF_SERVICE_LOCKED']);
    expect(errorResponseSchema.parse(third.body).error.nextStep).toContain('x4050');
  });

  it('when a code is wrong, then it answers 422 CODE_WRONG with the tries left', async () => {
    const attemptId = await startAttempt();
    const res = await h.request('POST', `/v1/unlock/attempts/${attemptId}/code`, {
      code: 'ZZZZ9999',
    });
    expect(failure(res)).toEqual([422, 'CODE_WRONG']);
    expect(errorResponseSchema.parse(res.body).error.details).toEqual({ triesLeft: 4 });
  });

  it('when a resend comes too soon, then it answers 429 RESEND_TOO_SOON with Retry-After', async () => {
    const attemptId = await startAttempt();
    const res = await h.request('POST', `/v1/unlock/attempts/${attemptId}/code/resend`);
    expect(failure(res)).toEqual([429, 'RESEND_TOO_SOON']);
    expect(res.headers.get('retry-after')).toBe('42');
  });

  it('when the resend carries an empty JSON object, then it is accepted like no body', async () => {
    const attemptId = await startAttempt();
    const res = await h.request('POST', `/v1/unlock/attempts/${attemptId}/code/resend`, {});
    expect(failure(res)).toEqual([429, 'RESEND_TOO_SOON']);
  });

  it('when the resend carries a field, then it answers 400 naming the field', async () => {
    const attemptId = await startAttempt();
    const res = await h.request('POST', `/v1/unlock/attempts/${attemptId}/code/resend`, {
      force: true,
    });
    expect(failure(res)).toEqual([400, 'VALIDATION_FAILED']);
    expect(errorResponseSchema.parse(res.body).error.details).toEqual({ field: 'force' });
  });

  it.each([
    ['POST', 'card-proof', { signature: GOOD_SIGNATURE }],
    ['POST', 'answers', answers(RIGHT_ANSWER)],
    ['POST', 'code/resend', undefined],
    ['POST', 'code', { code: RIGHT_CODE }],
    ['POST', 'outcome', { outcome: 'failed', pukOnCard: 'unknown' }],
    ['DELETE', '', undefined],
  ])(
    'when %s %s names an attempt the server does not know, then it answers 404 ATTEMPT_NOT_FOUND',
    async (method, step, body) => {
      const path = `/v1/unlock/attempts/${'n'.repeat(20)}${step === '' ? '' : `/${step}`}`;
      const res = await h.request(method, path, body);
      expect(failure(res)).toEqual([404, 'ATTEMPT_NOT_FOUND']);
    },
  );

  it('when the attempt id in the path is malformed, then it answers 400 naming attemptId', async () => {
    const res = await h.request('POST', '/v1/unlock/attempts/short/answers', answers('x'));
    expect(failure(res)).toEqual([400, 'VALIDATION_FAILED']);
    expect(errorResponseSchema.parse(res.body).error.details).toEqual({ field: 'attemptId' });
  });

  it('when the outcome names a value outside the schema, then it answers 400 naming the field', async () => {
    const attemptId = await startAttempt();
    const res = await h.request('POST', `/v1/unlock/attempts/${attemptId}/outcome`, {
      outcome: 'maybe',
      pukOnCard: 'next',
    });
    expect(errorResponseSchema.parse(res.body).error.details).toEqual({ field: 'outcome' });
  });
});

describe('the desk an API error names', () => {
  it("when the server is given a trust's help contacts, then an error's next step names them and not the demo's", async () => {
    const trust = await startHarness(
      {},
      { help: { phone: '0121 496 0000', walkIn: 'the IT office in Block B' } },
    );
    try {
      const started = await trust.request('POST', '/v1/unlock/attempts', { cardId: KNOWN_CARD });
      const { attemptId } = startAttemptResponseSchema.parse(started.body);
      const res = await trust.request('POST', `/v1/unlock/attempts/${attemptId}/card-proof`, {
        signature: Buffer.from('forged').toString('base64'),
      });
      expect(errorResponseSchema.parse(res.body).error).toMatchObject({
        code: 'PROOF_INVALID',
        nextStep: 'Call the IT service desk on 0121 496 0000 or visit the IT office in Block B.',
      });
    } finally {
      await trust.close();
    }
  });
});
