import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  errorResponseSchema,
  registrationProofResponseSchema,
  startAttemptResponseSchema,
} from '../../../../src/shared/http-api';
import { GOOD_SIGNATURE, KNOWN_CARD, RIGHT_ANSWER, RIGHT_CODE } from './fake-services';
import { startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

async function startAttempt(): Promise<string> {
  const res = await h.request('POST', '/v1/registration/attempts', { cardId: KNOWN_CARD });
  expect(res.status).toBe(201);
  return startAttemptResponseSchema.parse(res.body).attemptId;
}

describe('the registration routes', () => {
  it('when a holder registers, then proof, answers and the confirmation code each succeed', async () => {
    const attemptId = await startAttempt();
    const base = `/v1/registration/attempts/${attemptId}`;
    const proof = await h.request('POST', `${base}/card-proof`, { signature: GOOD_SIGNATURE });
    expect(proof.status).toBe(200);
    expect(registrationProofResponseSchema.parse(proof.body).questionsRequired).toBe(2);
    const answered = await h.request('POST', `${base}/answers`, {
      answers: [
        { questionId: 'first-school', answer: RIGHT_ANSWER },
        { questionId: 'first-street', answer: RIGHT_ANSWER },
      ],
    });
    expect(answered.status).toBe(200);
    const confirmed = await h.request('POST', `${base}/code`, { code: RIGHT_CODE });
    expect(confirmed.status).toBe(204);
    expect((await h.request('DELETE', base)).status).toBe(204);
  });

  it('when the confirmation code is wrong, then it answers 422 CODE_WRONG', async () => {
    const attemptId = await startAttempt();
    const res = await h.request('POST', `/v1/registration/attempts/${attemptId}/code`, {
      code: 'WXYZ7777',
    });
    expect(res.status).toBe(422);
    expect(errorResponseSchema.parse(res.body).error.code).toBe('CODE_WRONG');
  });

  it('when an answer is empty after trimming, then it answers 400 naming the answer', async () => {
    const attemptId = await startAttempt();
    const res = await h.request('POST', `/v1/registration/attempts/${attemptId}/answers`, {
      answers: [{ questionId: 'first-school', answer: '   ' }],
    });
    expect(res.status).toBe(400);
    expect(errorResponseSchema.parse(res.body).error.details).toEqual({
      field: 'answers.0.answer',
    });
  });
});
