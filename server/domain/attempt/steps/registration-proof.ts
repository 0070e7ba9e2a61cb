import { ok } from '../../../../src/shared/result';
import { maskEmail } from '../../mask-email';
import type { DomainResult, RegistrationProofResponse } from '../../ports';
import { QUESTION_CATALOGUE } from '../../question-catalogue';
import { audit, refuse } from '../../refusal';
import type { CardRecord } from '../../repository-ports';
import type { Step, StepRun } from '../step';
import { cardProofStep, refuseExpiredCertificate } from './proof';

/**
 * What a registration offers the card that proved possession and passcode: the catalogue, unless
 * a certificate has expired (the RA renews the card) or there is no address to confirm.
 */
async function offerQuestions(
  s: StepRun,
  card: CardRecord,
): Promise<DomainResult<RegistrationProofResponse>> {
  const expired = await refuseExpiredCertificate(s, card);
  if (expired !== undefined) return expired;
  if (card.email === null) {
    // Registration confirms an email address: a card imported with a mobile only has none.
    await s.deps.repos.attempts.end(s.attempt.attemptId, 'no-contact', s.deps.now().toISOString());
    return refuse(s.deps, s.ctx, { ...s.base, detail: 'channel=none' }, 'NO_CONTACT');
  }
  await audit(s.deps, s.ctx, { ...s.base, outcome: 'ok' });
  return ok({
    holderName: card.holderName,
    maskedEmail: maskEmail(card.email),
    catalogue: [...QUESTION_CATALOGUE],
    questionsRequired: s.deps.policy.answers.questionsRequired,
    alreadyRegistered: card.registeredAt !== null,
  });
}

/** Registration's proof: the 9A signature (the passcode entered), then the catalogue. */
export const registrationProof: Step<Uint8Array, RegistrationProofResponse> = cardProofStep({
  key: (card) => card.pivAuthDer,
  then: offerQuestions,
});
