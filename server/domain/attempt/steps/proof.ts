import { generateKeyPairSync } from 'node:crypto';
import { cardProofMessage } from '../../../../src/shared/card-identity';
import { verifyCardSignature } from '../../../security/card-proof';
import { expiredCertificate } from '../../card-lock';
import type { DomainResult } from '../../ports';
import { audit, fail, refuse } from '../../refusal';
import type { CardRecord } from '../../repository-ports';
import type { Step, StepRun } from '../step';

/**
 * A throwaway P-256 key, made at start: an unknown card's proof is checked against it, so
 * refusing one costs what refusing a known card's bad proof costs.
 */
const DECOY_KEY = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({
  type: 'spki',
  format: 'der',
});

/**
 * The proof step every flow starts with: the card signs the challenge with `key`, then meets the
 * flow's own check, `then`. An unknown or superseded card's proof fails as a bad proof does; the
 * audit keeps the real reason (docs/security-model.md, "Nothing told before the proof").
 */
export function cardProofStep<O>(options: {
  readonly key: (card: CardRecord) => Uint8Array;
  readonly then: (s: StepRun, card: CardRecord) => Promise<DomainResult<O>>;
}): Step<Uint8Array, O> {
  return {
    action: 'proof',
    from: 'started',
    async whenNotLive(deps, attemptId, kind, refused) {
      if (refused.ok || refused.error.code !== 'ATTEMPT_STATE') return refused;
      const ended = await deps.repos.attempts.find(attemptId, kind);
      return ended?.endReason === 'superseded' && ended.nonceUsedAt === null
        ? fail('PROOF_INVALID')
        : refused;
    },
    async run(s, signature) {
      const { deps, ctx, attempt, base } = s;
      const now = deps.now().toISOString();
      if (attempt.nonceUsedAt !== null) return refuse(deps, ctx, base, 'ATTEMPT_STATE');
      if (attempt.nonceExpiresAt <= now) {
        await deps.repos.attempts.end(attempt.attemptId, 'expired', now);
        return refuse(deps, ctx, { ...base, detail: 'nonce' }, 'ATTEMPT_EXPIRED');
      }
      const card = await deps.repos.cards.find(attempt.cardId);
      const valid = verifyCardSignature(
        card === undefined ? DECOY_KEY : options.key(card),
        cardProofMessage(attempt.kind, attempt.attemptId, attempt.nonce),
        signature,
      );
      // The nonce is spent whatever the signature says: one proof per nonce.
      const spent = await deps.repos.attempts.spendNonce(
        attempt.attemptId,
        valid && card !== undefined,
        now,
      );
      if (!spent) return refuse(deps, ctx, { ...base, detail: 'nonce-spent' }, 'ATTEMPT_STATE');
      if (card === undefined || !valid) {
        await audit(deps, ctx, {
          ...base,
          outcome: card === undefined ? 'CARD_UNKNOWN' : 'PROOF_INVALID',
        });
        return fail('PROOF_INVALID');
      }
      return options.then(s, card);
    },
  };
}

/**
 * Ends the attempt of a card whose 9E or 9A certificate has expired, and refuses it: the card
 * cannot log in anyway, so the holder goes to the RA, before any question. Undefined otherwise.
 */
export async function refuseExpiredCertificate(
  { deps, ctx, attempt, base }: StepRun,
  card: CardRecord,
): Promise<DomainResult<never> | undefined> {
  const now = deps.now().toISOString();
  const expired = expiredCertificate(card, now);
  if (expired === undefined) return undefined;
  await deps.repos.attempts.end(attempt.attemptId, 'certificate-expired', now);
  const detail = `slot=${expired.slot};notAfter=${expired.notAfter}`;
  return refuse(deps, ctx, { ...base, detail }, 'CERTIFICATE_EXPIRED');
}
