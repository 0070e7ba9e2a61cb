import { ok } from '../../../../src/shared/result';
import { isLocked } from '../../card-lock';
import type { DomainResult, UnlockProofResponse } from '../../ports';
import { findQuestion } from '../../question-catalogue';
import { audit, refuse } from '../../refusal';
import type { CardRecord } from '../../repository-ports';
import { utcDay } from '../../time';
import type { Step, StepRun } from '../step';
import { cardProofStep } from './proof';

/**
 * What an unlock tells the card that proved itself, and only it (what a start used to tell
 * anyone): locked, capped for the day or unregistered ends the attempt; else its questions.
 */
async function eligibility(
  s: StepRun,
  card: CardRecord,
): Promise<DomainResult<UnlockProofResponse>> {
  const { deps, ctx, attempt, base } = s;
  const { policy } = deps;
  const now = deps.now().toISOString();
  const end = (reason: string) => deps.repos.attempts.end(attempt.attemptId, reason, now);
  if (isLocked(policy, card)) {
    await end('self-service-locked');
    return refuse(deps, ctx, base, 'SELF_SERVICE_LOCKED');
  }
  const releasesToday = await deps.repos.cards.pukReleasesOn(card.cardId, utcDay(deps.now()));
  if (releasesToday >= policy.puk.maxReleasesPerDay) {
    await end('puk-release-limit');
    return refuse(deps, ctx, base, 'PUK_RELEASE_LIMIT');
  }
  const answers = await deps.repos.cards.findAnswers(card.cardId);
  const questions = answers.map((a) => findQuestion(a.questionId));
  if (answers.length === 0 || questions.some((q) => q === undefined)) {
    await end('not-registered');
    return refuse(deps, ctx, base, 'CARD_NOT_REGISTERED');
  }
  await audit(deps, ctx, { ...base, outcome: 'ok' });
  return ok({
    holderName: card.holderName,
    questions: questions.filter((q) => q !== undefined),
    answerTriesLeft: policy.answers.maxWrongSubmissions - card.failures,
  });
}

/** Unlock's proof: the 9E signature, then what the card may be told. */
export const unlockProof: Step<Uint8Array, UnlockProofResponse> = cardProofStep({
  key: (card) => card.cardAuthDer,
  then: eligibility,
});
