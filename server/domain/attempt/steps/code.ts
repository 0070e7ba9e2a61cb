import { ok } from '../../../../src/shared/result';
import { LOCKED_NOW_DETAIL } from '../../card-lock';
import type { DomainResult } from '../../ports';
import { refuse } from '../../refusal';
import { refuseSelfService } from '../desk-hold';
import type { Step, StepRun } from '../step';

/**
 * The code step every flow with a code shares: a right code goes to the flow's `spend`; a wrong
 * one spends a try, and with `countsAgainstCard` (unlock) its last try counts a failure against
 * the card, so guessing codes ends in the same lockout as guessing answers.
 */
export function codeStep<O>(options: {
  readonly countsAgainstCard: boolean;
  readonly spend: (s: StepRun, codeHash: string) => Promise<DomainResult<O>>;
}): Step<string, O> {
  return {
    action: 'code',
    from: 'answered',
    async run(s, typed) {
      const checked = await checkCode(s, typed, options.countsAgainstCard);
      return checked.ok ? options.spend(s, checked.value) : checked;
    },
  };
}

/** Checks a typed code; returns the matching hash, to spend it. */
async function checkCode(
  s: StepRun,
  typed: string,
  countsAgainstCard: boolean,
): Promise<DomainResult<string>> {
  const { deps, ctx, attempt, base } = s;
  const { code: rules } = deps.policy;
  const now = deps.now();
  if (attempt.codeHash === null) {
    return refuse(deps, ctx, base, 'ATTEMPT_STATE');
  }
  if (attempt.codeTries >= rules.triesPerCode) {
    return refuse(deps, ctx, base, 'CODE_TRIES_EXHAUSTED');
  }
  if (attempt.codeExpiresAt === null || attempt.codeExpiresAt <= now.toISOString()) {
    return refuse(deps, ctx, base, 'CODE_EXPIRED');
  }
  if (deps.codeHasher.matches(attempt.attemptId, typed, attempt.codeHash)) {
    return ok(attempt.codeHash);
  }
  const { attempts, cards } = deps.repos;
  const tries = await attempts.recordWrongCode(
    attempt.attemptId,
    attempt.codeHash,
    rules.triesPerCode,
  );
  if (tries === undefined || tries >= rules.triesPerCode) {
    if (tries !== undefined && countsAgainstCard) {
      const max = deps.policy.answers.maxWrongSubmissions;
      const failures = await cards.recordFailure(attempt.cardId, max, now.toISOString());
      if (failures === undefined || failures >= max) {
        const detail = failures === undefined ? undefined : LOCKED_NOW_DETAIL;
        return refuseSelfService(s, 'SELF_SERVICE_LOCKED', detail);
      }
    }
    return refuse(deps, ctx, base, 'CODE_TRIES_EXHAUSTED');
  }
  const triesLeft = rules.triesPerCode - tries;
  return refuse(deps, ctx, { ...base, detail: `triesLeft=${triesLeft}` }, 'CODE_WRONG', {
    triesLeft,
  });
}
