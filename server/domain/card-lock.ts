import type { ErrorCode } from '../../src/shared/errors';
import type { SecurityPolicy } from './policy';
import type { CardRecord } from './repository-ports';

/** True when the card's failures have reached the policy's limit. */
export const isLocked = (policy: SecurityPolicy, card: CardRecord): boolean =>
  card.failures >= policy.answers.maxWrongSubmissions;

/**
 * Why self-service must refuse this card, or undefined: frozen ("This wasn't me") first, since
 * only the desk can lift that, then locked by wrong answers or codes.
 */
export function selfServiceRefusal(
  policy: SecurityPolicy,
  card: CardRecord,
): Extract<ErrorCode, 'SELF_SERVICE_FROZEN' | 'SELF_SERVICE_LOCKED'> | undefined {
  if (card.frozen !== null) return 'SELF_SERVICE_FROZEN';
  return isLocked(policy, card) ? 'SELF_SERVICE_LOCKED' : undefined;
}

/** The attempt's end reason for each refusal, which a later step's load turns back into it. */
export const REFUSAL_END_REASON = {
  SELF_SERVICE_FROZEN: 'self-service-frozen',
  SELF_SERVICE_LOCKED: 'self-service-locked',
} as const;

/** The first of the card's certificates (9E, then 9A) that has expired by `now`, or undefined. */
export function expiredCertificate(
  card: CardRecord,
  now: string,
): { readonly slot: '9A' | '9E'; readonly notAfter: string } | undefined {
  for (const [slot, notAfter] of [
    ['9E', card.cardAuthNotAfter],
    ['9A', card.pivAuthNotAfter],
  ] as const) {
    if (notAfter !== null && notAfter <= now) return { slot, notAfter };
  }
  return undefined;
}

/** The detail of the SELF_SERVICE_LOCKED audit row whose failure locked the card (the reports count it). */
export const LOCKED_NOW_DETAIL = 'locked=now';

/** Why self-service is frozen, as the card keeps it: the holder's "This wasn't me", or the desk. */
export const FREEZE_REASON = { notMe: 'not-me', desk: 'desk' } as const;
