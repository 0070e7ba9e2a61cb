import { generateKeyPairSync } from 'node:crypto';
import { cardProofMessage } from '../../src/shared/card-identity';
import { ok } from '../../src/shared/result';
import { verifyCardSignature } from '../security/card-proof';
import {
  endAttempt,
  findAttempt,
  spendNonce,
  type AttemptKind,
  type AttemptRecord,
} from '../storage/attempt-repository';
import { type CardRecord, findCard } from '../storage/card-repository';
import { type DomainDeps, audit, fail, loadLiveAttempt, refuse } from './context';
import type { DomainResult, RequestContext } from './ports';

/**
 * A throwaway P-256 key, made at start: an unknown card's proof is checked against it, so
 * refusing one costs what refusing a known card's bad proof costs.
 */
const DECOY_KEY = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({
  type: 'spki',
  format: 'der',
});

/** What each flow's proof is signed with: 9E for an unlock, 9A (after the passcode) to register. */
const KEY_OF: Readonly<Record<AttemptKind, (card: CardRecord) => Uint8Array>> = {
  unlock: (card) => card.cardAuthDer,
  register: (card) => card.pivAuthDer,
};

/**
 * The proof step every flow shares. An unknown card's proof, or one sent to an attempt superseded
 * before any proof, fails as a bad proof does, so nothing tells whether a card exists or is in use;
 * the audit keeps the real reason (docs/security-model.md, "Nothing told before the proof").
 */
export async function checkCardProof(
  deps: DomainDeps,
  ctx: RequestContext,
  kind: AttemptKind,
  attemptId: string,
  signature: Uint8Array,
): Promise<DomainResult<{ readonly attempt: AttemptRecord; readonly card: CardRecord }>> {
  const action = `${kind}.proof`;
  const loaded = await loadLiveAttempt(deps, attemptId, kind, { ctx, action });
  if (!loaded.ok) {
    if (loaded.error.code !== 'ATTEMPT_STATE') return loaded;
    const ended = await findAttempt(deps.db, attemptId, kind);
    return ended?.endReason === 'superseded' && ended.nonceUsedAt === null
      ? fail('PROOF_INVALID')
      : loaded;
  }
  const attempt = loaded.value;
  const now = deps.now().toISOString();
  const base = { cardId: attempt.cardId, attemptId, action };
  if (attempt.state !== 'started' || attempt.nonceUsedAt !== null) {
    return refuse(deps, ctx, base, 'ATTEMPT_STATE');
  }
  if (attempt.nonceExpiresAt <= now) {
    await endAttempt(deps.db, attemptId, 'expired', now);
    return refuse(deps, ctx, { ...base, detail: 'nonce' }, 'ATTEMPT_EXPIRED');
  }
  const card = await findCard(deps.db, attempt.cardId);
  const valid = verifyCardSignature(
    card === undefined ? DECOY_KEY : KEY_OF[kind](card),
    cardProofMessage(kind, attemptId, attempt.nonce),
    signature,
  );
  // The nonce is spent whatever the signature says: one proof per nonce.
  if (!(await spendNonce(deps.db, attemptId, valid && card !== undefined, now))) {
    return refuse(deps, ctx, { ...base, detail: 'nonce-spent' }, 'ATTEMPT_STATE');
  }
  if (card === undefined || !valid) {
    await audit(deps, ctx, {
      ...base,
      outcome: card === undefined ? 'CARD_UNKNOWN' : 'PROOF_INVALID',
    });
    return fail('PROOF_INVALID');
  }
  return ok({ attempt, card });
}
