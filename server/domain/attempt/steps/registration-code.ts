import { ok } from '../../../../src/shared/result';
import type { DomainResult } from '../../ports';
import { audit, refuse } from '../../refusal';
import { sendNotice } from '../code-send';
import type { Step, StepRun } from '../step';
import { codeStep } from './code';
import { pendingAnswersSchema } from './registration-answers';

/**
 * Registration spends a right code as the address's confirmation: the attempt's pending answers
 * replace any earlier ones, the attempt ends registered, and the holder is told.
 */
async function confirmAddress(
  { deps, ctx, attempt, base }: StepRun,
  codeHash: string,
): Promise<DomainResult<void>> {
  const now = deps.now().toISOString();
  const { attempts, cards } = deps.repos;
  const { attemptId, cardId } = attempt;
  if (
    !(await attempts.spendCode(
      attemptId,
      codeHash,
      deps.policy.code.triesPerCode,
      'authorised',
      now,
    ))
  ) {
    return refuse(deps, ctx, base, 'ATTEMPT_STATE');
  }
  const pending = pendingAnswersSchema.parse(JSON.parse(attempt.pendingAnswers ?? 'null'));
  await cards.replaceRegistration(cardId, pending, now);
  await attempts.end(attemptId, 'registered', now, ['authorised']);
  await audit(deps, ctx, { ...base, action: 'register.complete', outcome: 'ok' });
  const card = await cards.find(cardId);
  if (card?.email != null) {
    sendNotice(deps, attemptId, {
      channel: 'email',
      to: card.email,
      purpose: 'registered-notice',
      holderName: card.holderName,
    });
  }
  return ok(undefined);
}

/** Registration's code: it confirms the address; wrong ones cost only the code's tries. */
export const registrationCode: Step<string, void> = codeStep({
  countsAgainstCard: false,
  spend: confirmAddress,
});
