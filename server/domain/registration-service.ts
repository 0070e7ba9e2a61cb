import { z } from 'zod';
import { ok } from '../../src/shared/result';
import { registeredNoticeMail } from '../mail/templates';
import { normaliseAnswer } from '../security/answer-hasher';
import { endAttempt, markAnswered, spendCode } from '../storage/attempt-repository';
import { findCard, replaceRegistration } from '../storage/card-repository';
import {
  type DomainDeps,
  audit,
  checkCode,
  fail,
  loadLiveAttempt,
  sendCode,
  sendNotice,
  refuse,
} from './context';
import { maskEmail } from './mask-email';
import type { RegistrationService } from './ports';
import { QUESTION_CATALOGUE, findQuestion } from './question-catalogue';
import { startAttempt } from './attempt-start';
import { checkCardProof } from './card-proof-step';

/** The chosen questions and answer hashes an attempt keeps until the address is confirmed. */
const pendingAnswersSchema = z.array(
  z.object({ questionId: z.string(), hash: z.string() }).strict(),
);

/**
 * The registration flow: a card that proves possession and passcode (9A signature) chooses and
 * answers questions; the answers take effect, replacing any earlier ones, only once the registered
 * address is confirmed with a code sent to it.
 */
export function createRegistrationService(deps: DomainDeps): RegistrationService {
  const { policy } = deps;

  return {
    async start(cardId, ctx) {
      return startAttempt(deps, ctx, 'register', cardId);
    },

    async proveCard(attemptId, signatureDer, ctx) {
      const proved = await checkCardProof(deps, ctx, 'register', attemptId, signatureDer);
      if (!proved.ok) return proved;
      const { card } = proved.value;
      await audit(deps, ctx, {
        cardId: card.cardId,
        attemptId,
        action: 'register.proof',
        outcome: 'ok',
      });
      return ok({
        holderName: card.holderName,
        maskedEmail: maskEmail(card.email),
        catalogue: [...QUESTION_CATALOGUE],
        questionsRequired: policy.answers.questionsRequired,
      });
    },

    async answer(attemptId, answers, ctx) {
      const loaded = await loadLiveAttempt(deps, attemptId, 'register', {
        ctx,
        action: 'register.answers',
      });
      if (!loaded.ok) return loaded;
      const attempt = loaded.value;
      const now = deps.now().toISOString();
      const base = { cardId: attempt.cardId, attemptId, action: 'register.answers' };
      if (attempt.state !== 'proved') {
        return refuse(deps, ctx, base, 'ATTEMPT_STATE');
      }
      const ids = new Set(answers.map((a) => a.questionId));
      const problem =
        answers.length !== policy.answers.questionsRequired
          ? 'answers'
          : ids.size !== answers.length
            ? 'answers.questionId'
            : answers.some((a) => findQuestion(a.questionId) === undefined)
              ? 'answers.questionId'
              : answers.some((a) => normaliseAnswer(a.answer) === '')
                ? 'answers.answer'
                : undefined;
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
      if (!(await markAnswered(deps.db, attemptId, JSON.stringify(hashed), now))) {
        return refuse(deps, ctx, base, 'ATTEMPT_STATE');
      }
      const card = await findCard(deps.db, attempt.cardId);
      if (card === undefined) return fail('CARD_UNKNOWN');
      await audit(deps, ctx, { ...base, outcome: 'ok' });
      return sendCode(deps, ctx, { ...attempt, state: 'answered' }, card);
    },

    async resendCode(attemptId, ctx) {
      const loaded = await loadLiveAttempt(deps, attemptId, 'register', {
        ctx,
        action: 'register.code-send',
      });
      if (!loaded.ok) return loaded;
      const card = await findCard(deps.db, loaded.value.cardId);
      if (card === undefined) return fail('CARD_UNKNOWN');
      return sendCode(deps, ctx, loaded.value, card);
    },

    async confirmCode(attemptId, code, ctx) {
      const loaded = await loadLiveAttempt(deps, attemptId, 'register', {
        ctx,
        action: 'register.code',
      });
      if (!loaded.ok) return loaded;
      const attempt = loaded.value;
      const now = deps.now().toISOString();
      const base = { cardId: attempt.cardId, attemptId, action: 'register.code' };
      const checked = await checkCode(deps, ctx, attempt, code, false);
      if (!checked.ok) return checked;
      if (
        !(await spendCode(
          deps.db,
          attemptId,
          checked.value,
          policy.code.triesPerCode,
          'authorised',
          now,
        ))
      ) {
        return refuse(deps, ctx, base, 'ATTEMPT_STATE');
      }
      const pending = pendingAnswersSchema.parse(JSON.parse(attempt.pendingAnswers ?? 'null'));
      await replaceRegistration(deps.db, attempt.cardId, pending, now);
      await endAttempt(deps.db, attemptId, 'registered', now, ['authorised']);
      await audit(deps, ctx, { ...base, action: 'register.complete', outcome: 'ok' });
      const card = await findCard(deps.db, attempt.cardId);
      if (card !== undefined) {
        sendNotice(deps, attemptId, {
          ...registeredNoticeMail(card.holderName, deps.help),
          to: card.email,
          purpose: 'registered-notice',
        });
      }
      return ok(undefined);
    },

    async cancel(attemptId, ctx) {
      const loaded = await loadLiveAttempt(deps, attemptId, 'register', {
        ctx,
        action: 'register.cancel',
      });
      if (!loaded.ok) return loaded.error.code === 'ATTEMPT_NOT_FOUND' ? loaded : ok(undefined);
      await endAttempt(deps.db, attemptId, 'cancelled', deps.now().toISOString());
      await audit(deps, ctx, {
        cardId: loaded.value.cardId,
        attemptId,
        action: 'register.cancel',
        outcome: 'ok',
      });
      return ok(undefined);
    },
  };
}
