import { z } from 'zod';
import type { CodeDelivery } from '../../../../src/shared/http-api';
import { normaliseAnswer } from '../../answer-form';
import type { GivenAnswers } from '../../ports';
import { findQuestion } from '../../question-catalogue';
import { audit, fail, refuse } from '../../refusal';
import { sendCode } from '../code-send';
import type { Step } from '../step';

/** The chosen questions and answer hashes an attempt keeps until the address is confirmed. */
export const pendingAnswersSchema = z.array(
  z.object({ questionId: z.string(), hash: z.string() }).strict(),
);

/** Which field of a registration's answers is wrong, if any. */
function problemOf(answers: GivenAnswers, required: number): string | undefined {
  const ids = new Set(answers.map((a) => a.questionId));
  if (answers.length !== required) return 'answers';
  if (ids.size !== answers.length) return 'answers.questionId';
  if (answers.some((a) => findQuestion(a.questionId) === undefined)) return 'answers.questionId';
  if (answers.some((a) => normaliseAnswer(a.answer) === '')) return 'answers.answer';
  return undefined;
}

/**
 * Registration's answers: the holder's chosen questions and answers, hashed and kept on the
 * attempt (not yet the card's) until the address is confirmed; a code is sent to it.
 */
export const registrationAnswers: Step<GivenAnswers, CodeDelivery> = {
  action: 'answers',
  from: 'proved',
  async run({ deps, ctx, attempt, base }, answers) {
    const now = deps.now().toISOString();
    const problem = problemOf(answers, deps.policy.answers.questionsRequired);
    if (problem !== undefined) {
      return refuse(deps, ctx, { ...base, detail: problem }, 'VALIDATION_FAILED', {
        field: problem,
      });
    }
    const hashed = await Promise.all(
      answers.map(async (a) => ({
        questionId: a.questionId,
        hash: await deps.answerHasher.hash(a.answer),
      })),
    );
    const pending = JSON.stringify(hashed);
    if (!(await deps.repos.attempts.markAnswered(attempt.attemptId, pending, now))) {
      return refuse(deps, ctx, base, 'ATTEMPT_STATE');
    }
    const card = await deps.repos.cards.find(attempt.cardId);
    if (card === undefined) return fail('CARD_UNKNOWN');
    await audit(deps, ctx, { ...base, outcome: 'ok' });
    return sendCode(deps, ctx, { ...attempt, state: 'answered' }, card);
  },
};
