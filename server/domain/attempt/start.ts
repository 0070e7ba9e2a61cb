import { ok } from '../../../src/shared/result';
import { randomToken } from '../../security/secrets';
import type { DomainDeps } from '../deps';
import type { DomainResult, RequestContext, StartAttemptResponse } from '../ports';
import { audit } from '../refusal';
import type { AttemptKind } from '../repository-ports';
import { isoAfter } from '../time';

/**
 * Starts an attempt for any well-formed card id, known or not, with the same work and the same
 * answer: an attempt and a challenge. Whether the card is unknown, unregistered, locked or capped
 * is told only after its proof verifies (docs/security-model.md, "Nothing told before the proof").
 */
export async function startAttempt(
  deps: DomainDeps,
  ctx: RequestContext,
  kind: AttemptKind,
  cardId: string,
): Promise<DomainResult<StartAttemptResponse>> {
  const now = deps.now();
  const attempt = {
    attemptId: randomToken(24),
    kind,
    cardId,
    createdAt: now.toISOString(),
    expiresAt: isoAfter(now, deps.policy.attempt.validSeconds),
    nonce: randomToken(deps.policy.nonce.bytes),
    nonceExpiresAt: isoAfter(now, deps.policy.nonce.validSeconds),
  };
  const superseded = await deps.repos.attempts.insert(attempt, deps.policy.attempt.maxOpenPerCard);
  await audit(deps, ctx, {
    cardId,
    attemptId: attempt.attemptId,
    action: `${kind}.start`,
    outcome: 'ok',
    ...(superseded.length === 0 ? {} : { detail: `superseded=${superseded.length}` }),
  });
  return ok({
    attemptId: attempt.attemptId,
    nonce: attempt.nonce,
    nonceExpiresAt: attempt.nonceExpiresAt,
    expiresAt: attempt.expiresAt,
  });
}
