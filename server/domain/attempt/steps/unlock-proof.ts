import type { VerificationModel, VerificationStep } from '../../../../src/shared/http-api';
import { ok } from '../../../../src/shared/result';
import { holderContacts, maskedContact } from '../../delivery-channel';
import { REFUSAL_END_REASON, selfServiceRefusal } from '../../card-lock';
import type { DomainResult, UnlockProofResponse } from '../../ports';
import { findQuestion } from '../../question-catalogue';
import { audit, refuse } from '../../refusal';
import type { CardRecord } from '../../repository-ports';
import { utcDay } from '../../time';
import { refuseSelfService } from '../desk-hold';
import type { Step, StepRun } from '../step';
import { cardProofStep, refuseExpiredCertificate } from './proof';

/**
 * What an unlock tells the card that proved itself, and only it (what a start used to tell
 * anyone): expired, frozen, locked, capped or unregistered refuses it (the attempt kept for the
 * desk where its approval helps, ADR 0025); else its questions.
 */
async function eligibility(
  s: StepRun,
  card: CardRecord,
): Promise<DomainResult<UnlockProofResponse>> {
  const { deps, ctx, attempt, base } = s;
  const { policy } = deps;
  const now = deps.now().toISOString();
  const end = (reason: string) => deps.repos.attempts.end(attempt.attemptId, reason, now);
  const expired = await refuseExpiredCertificate(s, card);
  if (expired !== undefined) return expired;
  const refusal = selfServiceRefusal(policy, card);
  const releasesToday = await deps.repos.cards.pukReleasesOn(card.cardId, utcDay(deps.now()));
  const capped = releasesToday >= policy.puk.maxReleasesPerDay;
  // At today's cap the desk's approval could release nothing: a lockout ends the attempt.
  if (refusal !== undefined && capped) {
    await end(REFUSAL_END_REASON[refusal]);
    return refuse(deps, ctx, base, refusal);
  }
  if (refusal !== undefined) return refuseSelfService(s, refusal);
  if (capped) {
    await end('puk-release-limit');
    return refuse(deps, ctx, base, 'PUK_RELEASE_LIMIT');
  }
  const asked = deps.verification === 'questions-and-code';
  const answers = asked ? await deps.repos.cards.findAnswers(card.cardId) : [];
  const questions = answers.map((a) => findQuestion(a.questionId));
  if (asked && (answers.length === 0 || questions.some((q) => q === undefined))) {
    return refuseSelfService(s, 'CARD_NOT_REGISTERED');
  }
  const contacts = holderContacts(deps.channels, card);
  if (contacts.length === 0) {
    // Only IT can fix this (the import or delivery.channels), or the desk approve this attempt.
    deps.logger.warn(
      { attemptId: attempt.attemptId, channels: deps.channels.join(',') },
      'the holder has no address on any channel in delivery.channels',
    );
    return refuseSelfService(s, 'NO_CONTACT', 'channel=none');
  }
  await audit(deps, ctx, { ...base, outcome: 'ok' });
  return ok({
    holderName: card.holderName,
    verification: deps.verification,
    steps: verificationSteps(deps.verification, contacts.length),
    contacts: contacts.map(maskedContact),
    questions: questions.filter((q) => q !== undefined),
    answerTriesLeft: policy.answers.maxWrongSubmissions - card.failures,
  });
}

/**
 * The steps a holder meets before the new passcode: the questions when the model asks them, the
 * channel when they have a choice (or, under code-only, to send the first code), then the code.
 */
function verificationSteps(model: VerificationModel, contacts: number): VerificationStep[] {
  return model === 'code-only'
    ? ['channel', 'code']
    : ['answers', ...(contacts > 1 ? (['channel'] as const) : []), 'code'];
}

/** Unlock's proof: the 9E signature, then what the card may be told. */
export const unlockProof: Step<Uint8Array, UnlockProofResponse> = cardProofStep({
  key: (card) => card.cardAuthDer,
  then: eligibility,
});
