import type { ErrorCode } from '../../../src/shared/errors';
import { ok } from '../../../src/shared/result';
import type { DomainDeps } from '../deps';
import type { DomainResult, RequestContext } from '../ports';
import { fail, refuse } from '../refusal';
import type { AttemptKind, AttemptRecord } from '../repository-ports';
import { sourceKey } from '../source-throttle';

/**
 * Loads a live attempt: unknown, ended and timed-out ones (ended on the way) become their error.
 * With `step`, a refusal is audited under the step's action; an unknown attempt is counted, and
 * audited at most once a minute per address (docs/decisions/0017-attempt-engine.md).
 */
export async function loadLiveAttempt(
  deps: DomainDeps,
  attemptId: string,
  kind: AttemptKind,
  step?: { readonly ctx: RequestContext; readonly action: string },
): Promise<DomainResult<AttemptRecord>> {
  const attempt = await deps.repos.attempts.find(attemptId, kind);
  const refused = async (
    code: ErrorCode,
    detail?: string,
  ): Promise<DomainResult<AttemptRecord>> => {
    if (step === undefined) return fail(code);
    const line = { cardId: attempt?.cardId ?? null, attemptId, action: step.action };
    return refuse(deps, step.ctx, detail === undefined ? line : { ...line, detail }, code);
  };
  if (attempt === undefined) {
    if (step === undefined) return fail('ATTEMPT_NOT_FOUND');
    // Anyone can send made-up attempt ids: count each one, but audit an address at most once a
    // minute, so guessing cannot grow the audit trail faster than that.
    deps.events.unknownAttempt(step.action);
    const held = deps.unknownAttemptAudits.admit(
      sourceKey(step.ctx.sourceAddress),
      deps.now().getTime(),
    );
    if (held === undefined) return fail('ATTEMPT_NOT_FOUND');
    return refused('ATTEMPT_NOT_FOUND', held > 0 ? `unaudited=${held}` : undefined);
  }
  const now = deps.now();
  if (attempt.state === 'ended') {
    if (attempt.endReason === 'expired') return refused('ATTEMPT_EXPIRED');
    if (attempt.endReason === 'self-service-locked') return refused('SELF_SERVICE_LOCKED');
    if (attempt.endReason === 'self-service-frozen') return refused('SELF_SERVICE_FROZEN');
    return refused('ATTEMPT_STATE');
  }
  if (attempt.expiresAt <= now.toISOString()) {
    await deps.repos.attempts.end(attemptId, 'expired', now.toISOString());
    return refused('ATTEMPT_EXPIRED');
  }
  return ok(attempt);
}
