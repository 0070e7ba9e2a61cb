import { maskPhoneNumber } from '../../src/shared/phone-number';
import { isLocked } from './card-lock';
import type { DomainDeps } from './deps';
import { maskEmail } from './mask-email';
import type { CardState } from './ports';
import type { CardRecord } from './repository-ports';
import { utcDay } from './time';

/** Each certificate's expiry, and whether it has passed (self-service then refuses the card). */
function certificatesOf(card: CardRecord, now: string): CardState['certificates'] {
  const slot = (notAfter: string | null) => ({
    notAfter,
    expired: notAfter !== null && notAfter <= now,
  });
  return { '9A': slot(card.pivAuthNotAfter), '9E': slot(card.cardAuthNotAfter) };
}

/** A card's state as `admin show` and the desk's card page give it; never a secret. */
export async function cardStateOf(deps: DomainDeps, card: CardRecord): Promise<CardState> {
  const now = deps.now();
  return {
    cardId: card.cardId,
    holderName: card.holderName,
    ...(card.email === null ? {} : { maskedEmail: maskEmail(card.email) }),
    ...(card.mobile === null ? {} : { maskedMobile: maskPhoneNumber(card.mobile) }),
    site: card.site,
    registered: card.registeredAt !== null,
    emailConfirmed: card.emailConfirmedAt !== null,
    selfServiceLocked: isLocked(deps.policy, card),
    wrongAnswerSubmissions: card.failures,
    // The cap counts per UTC day (puk-release.ts), so "today" here is the same day.
    pukReleasesToday: await deps.repos.cards.pukReleasesOn(card.cardId, utcDay(now)),
    pendingPukRotation: card.pendingPuk !== null,
    lastUnlockAt: card.lastUnlockAt,
    selfServiceFrozen: card.frozen,
    certificates: certificatesOf(card, now.toISOString()),
  };
}
