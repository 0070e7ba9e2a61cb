import { generateKeyPairSync } from 'node:crypto';
import { verifyCardSignature } from '../security/card-proof';
import {
  findAttempt,
  spendNonce,
  type AttemptKind,
  type AttemptRecord,
} from '../storage/attempt-repository';
import { type DomainDeps, audit, fail } from './context';
import type { DomainError, DomainResult, RequestContext } from './ports';

/**
 * A throwaway P-256 key, made at start: an unknown card's proof is checked against it, so
 * refusing one costs what refusing a known card's bad proof costs.
 */
const DECOY_KEY = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({
  type: 'spki',
  format: 'der',
});

/**
 * The proof step of an attempt whose card the server does not know. It answers exactly as a
 * known card's bad proof does (the nonce spent, the attempt ended, PROOF_INVALID), so nothing
 * before a verified proof tells whether a card exists; the audit keeps the real reason.
 */
export async function refuseUnknownCard(
  deps: DomainDeps,
  ctx: RequestContext,
  attempt: AttemptRecord,
  proof: { readonly action: string; readonly message: string; readonly signature: Uint8Array },
): Promise<DomainResult<never>> {
  verifyCardSignature(DECOY_KEY, proof.message, proof.signature);
  const base = { cardId: attempt.cardId, attemptId: attempt.attemptId, action: proof.action };
  if (!(await spendNonce(deps.db, attempt.attemptId, false, deps.now().toISOString()))) {
    await audit(deps, ctx, { ...base, outcome: 'ATTEMPT_STATE', detail: 'nonce-spent' });
    return fail('ATTEMPT_STATE');
  }
  await audit(deps, ctx, { ...base, outcome: 'CARD_UNKNOWN' });
  return fail('PROOF_INVALID');
}

/**
 * A proof's refusal when its attempt cannot take one. An attempt a newer start ended before any
 * proof answers as a bad proof: which attempts are ended first tells whether someone has proved
 * the card lately, so a superseded one must sound like any other failed proof. The audit row
 * `loadLiveAttempt` wrote keeps the real reason.
 */
export async function proofRefusal(
  deps: DomainDeps,
  attemptId: string,
  kind: AttemptKind,
  refused: { readonly ok: false; readonly error: DomainError },
): Promise<DomainResult<never>> {
  if (refused.error.code !== 'ATTEMPT_STATE') return refused;
  const attempt = await findAttempt(deps.db, attemptId, kind);
  return attempt?.endReason === 'superseded' && attempt.nonceUsedAt === null
    ? fail('PROOF_INVALID')
    : refused;
}
