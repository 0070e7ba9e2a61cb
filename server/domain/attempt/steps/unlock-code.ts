import type { CodeVerified } from '../../../../src/shared/http-api';
import { ok } from '../../../../src/shared/result';
import type { DomainResult } from '../../ports';
import { audit, refuse } from '../../refusal';
import type { Step, StepRun } from '../step';
import { whyRefused } from '../why-refused';
import { codeStep } from './code';

/** Unlock spends a right code to `verified`, while the card is not locked: the unblock may follow. */
async function verifyForUnblock(
  { deps, ctx, attempt, base }: StepRun,
  codeHash: string,
): Promise<DomainResult<CodeVerified>> {
  const nowIso = deps.now().toISOString();
  const { policy } = deps;
  const spent = await deps.repos.attempts.spendCode(
    attempt.attemptId,
    codeHash,
    policy.code.triesPerCode,
    'verified',
    nowIso,
    policy.answers.maxWrongSubmissions,
  );
  if (!spent) {
    // Another request spent the code, the card locked, or time ran out meanwhile.
    const why = await whyRefused(deps, attempt.kind, attempt.cardId, attempt.attemptId, nowIso);
    return refuse(deps, ctx, base, why);
  }
  await audit(deps, ctx, { ...base, outcome: 'ok' });
  return ok({ unblockBy: attempt.expiresAt });
}

/** The code step proper: a wrong code also counts against the card at its last try. */
const spendOnce = codeStep({ countsAgainstCard: true, spend: verifyForUnblock });

/**
 * Unlock's code. The code that verified the attempt, sent again, is told so again: its answer was
 * lost (the database went away before it was given), and Try again must not send the holder back.
 */
export const unlockCode: Step<string, CodeVerified> = {
  action: spendOnce.action,
  async run(s, typed) {
    const { deps, ctx, attempt, base } = s;
    const { codeHash } = attempt;
    if (attempt.state === 'verified' && attempt.codeUsedAt !== null && codeHash !== null) {
      if (!deps.codeHasher.matches(attempt.attemptId, typed, codeHash)) {
        return refuse(deps, ctx, base, 'ATTEMPT_STATE');
      }
      await audit(deps, ctx, { ...base, outcome: 'ok', detail: 'checked-again' });
      return ok({ unblockBy: attempt.expiresAt });
    }
    if (attempt.state !== spendOnce.from) return refuse(deps, ctx, base, 'ATTEMPT_STATE');
    return spendOnce.run(s, typed);
  },
};
