import type { ErrorCode } from '../../../src/shared/errors';
import { selfServiceRefusal } from '../card-lock';
import type { DomainDeps } from '../deps';
import type { AttemptKind } from '../repository-ports';
import { loadLiveAttempt } from './load';

/** Why a conditional update on a live attempt changed nothing, as the holder should hear it. */
export async function whyRefused(
  deps: DomainDeps,
  kind: AttemptKind,
  cardId: string,
  attemptId: string,
  nowIso: string,
): Promise<ErrorCode> {
  const again = await loadLiveAttempt(deps, attemptId, kind);
  if (!again.ok) return again.error.code;
  const card = await deps.repos.cards.find(cardId);
  const refusal = card === undefined ? undefined : selfServiceRefusal(deps.policy, card);
  if (refusal !== undefined) return refusal;
  const a = again.value;
  if (a.state === 'answered' && a.codeExpiresAt !== null && a.codeExpiresAt <= nowIso) {
    return 'CODE_EXPIRED';
  }
  if (a.state === 'answered' && a.codeTries >= deps.policy.code.triesPerCode) {
    return 'CODE_TRIES_EXHAUSTED';
  }
  return 'ATTEMPT_STATE';
}
