import type { UnblockAuthorisation } from '../../../../src/shared/http-api';
import { generatePuk } from '../../../security/secrets';
import type { DomainDeps } from '../../deps';
import type { Repositories } from '../../repository-ports';
import { rotationRefOf } from '../../rotation-ref';

/**
 * The authorisation an attempt was released, given again: the current PUK, and its rotation's
 * pending one as both unconfirmed and next, so either opens the card. Undefined once that
 * rotation is no longer pending (committed, discarded, or taken over by a later attempt).
 */
export async function releaseAgain(
  deps: DomainDeps,
  attemptId: string,
): Promise<UnblockAuthorisation | undefined> {
  // A key rotation moves the pending PUK and the attempts' fingerprints in one transaction, so
  // two reads on either side of it disagree once: a disagreement is read again.
  for (let tries = 0; tries < 2; tries += 1) {
    const attempt = await deps.repos.attempts.find(attemptId, 'unlock');
    if (attempt?.state !== 'authorised') return undefined;
    const card = await deps.repos.cards.find(attempt.cardId);
    if (card?.pendingPuk == null) return undefined;
    if (rotationRefOf(card.pendingPuk) === attempt.rotationRef) {
      const pending = deps.keyRing.open(card.cardId, card.pendingPuk);
      return {
        puk: deps.keyRing.open(card.cardId, card.puk),
        unconfirmedPuk: pending,
        nextPuk: pending,
      };
    }
  }
  return undefined;
}

/**
 * Builds the unblock authorisation: a fresh pending PUK, or, with one pending from an unconfirmed
 * visit, both PUKs the card may hold with the pending one still the target, so the card always
 * holds a PUK the server knows (docs/decisions/0006-crash-safe-puk-rotation.md).
 */
export async function authorise(
  deps: DomainDeps,
  repos: Repositories,
  cardId: string,
  now: string,
): Promise<{ readonly authorisation: UnblockAuthorisation; readonly rotationRef: string }> {
  let card = await repos.cards.find(cardId);
  if (card === undefined) throw new Error('The card vanished during an unlock.');
  if (card.pendingPuk === null) {
    const current = deps.keyRing.open(cardId, card.puk);
    let next = generatePuk(deps.policy.puk.length);
    while (next === current) next = generatePuk(deps.policy.puk.length);
    const sealed = deps.keyRing.seal(cardId, next);
    if (await repos.cards.setPendingPuk(cardId, sealed, now)) {
      return {
        authorisation: { puk: current, unconfirmedPuk: null, nextPuk: next },
        rotationRef: rotationRefOf(sealed),
      };
    }
    // A concurrent attempt for the same card set one first: resume that rotation instead.
    card = await repos.cards.find(cardId);
    if (card?.pendingPuk == null) throw new Error('The pending PUK vanished during an unlock.');
  }
  const pending = deps.keyRing.open(cardId, card.pendingPuk);
  return {
    authorisation: {
      puk: deps.keyRing.open(cardId, card.puk),
      unconfirmedPuk: pending,
      nextPuk: pending,
    },
    rotationRef: rotationRefOf(card.pendingPuk),
  };
}
