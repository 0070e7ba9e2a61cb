import { cardIdSchema } from '../../../src/shared/card-identity';
import { withoutHiddenCharacters } from '../../../src/shared/hidden-characters';
import { parseUkMobileNumber } from '../../../src/shared/phone-number';
import { ok } from '../../../src/shared/result';
import { isLocked } from '../card-lock';
import { cardStateOf } from '../card-state';
import type { DomainDeps } from '../deps';
import { fail } from '../refusal';
import type { HolderQuery, HolderSupportService } from './desk-ports';
import { holderActions } from './holder-actions';

/** At most this many holders a search lists; it says when more matched. */
const SEARCH_LIMIT = 50;
/** Audit rows per page of a card's trail. */
const AUDIT_PAGE = 25;
/** Recent attempts a card page lists (the attempts table keeps the retention's days only). */
const RECENT_ATTEMPTS = 10;

/** What an operator types to find a holder: a name, an email, a mobile or a card id, or part of one. */
export const holderSearchSchema = withoutHiddenCharacters
  .trim()
  .min(2, 'is too short: type at least 2 characters.')
  .max(200, 'is longer than 200 characters.');

/**
 * One query for every field: the text in the name or email (any case), a card id that starts with
 * it (hex, 4 digits or more), or a mobile holding its digits (07700 900123, +44 7700 900123, 900123).
 */
function queryOf(text: string): HolderQuery {
  const lower = text.toLowerCase();
  const hex = lower.replace(/[\s-]/g, '');
  const typedNumber = parseUkMobileNumber(text);
  const digits = text.replace(/\D/g, '');
  const mobileDigits = typedNumber.ok
    ? typedNumber.value.slice(1)
    : /^\+?[\d\s().-]+$/.test(text) && digits.length >= 4
      ? digits.replace(/^0+/, '')
      : undefined;
  return {
    text: lower,
    ...(/^[0-9a-f]{4,32}$/.test(hex) ? { cardIdPrefix: hex } : {}),
    ...(mobileDigits === undefined || mobileDigits === '' ? {} : { mobileDigits }),
  };
}

/** The desk's holder support: search, the card page, and the audited actions (holder-actions.ts). */
export function createHolderSupportService(deps: DomainDeps): HolderSupportService {
  return {
    ...holderActions(deps),

    async search(query) {
      const text = holderSearchSchema.safeParse(query);
      if (!text.success) return fail('VALIDATION_FAILED', { field: 'query' });
      const found = await deps.repos.holders.search(queryOf(text.data), SEARCH_LIMIT + 1);
      const matches = found.slice(0, SEARCH_LIMIT).map((card) => ({
        cardId: card.cardId,
        holderName: card.holderName,
        email: card.email,
        mobile: card.mobile,
        site: card.site,
        lockedOut: isLocked(deps.policy, card),
        frozen: card.frozen !== null,
      }));
      return ok({ matches, limit: SEARCH_LIMIT, more: found.length > SEARCH_LIMIT });
    },

    async cardPage(cardId, page = {}) {
      const id = cardIdSchema.safeParse(cardId);
      if (!id.success) return fail('VALIDATION_FAILED', { field: 'cardId' });
      const card = await deps.repos.cards.find(id.data);
      if (card === undefined) return fail('NOT_FOUND');
      const now = deps.now().toISOString();
      const state = await cardStateOf(deps, card);
      const attempts = await deps.repos.holders.recentAttempts(card.cardId, RECENT_ATTEMPTS);
      const trail = await deps.repos.audit.list({
        cardId: card.cardId,
        limit: AUDIT_PAGE + 1,
        ...(page.before === undefined ? {} : { beforeId: page.before }),
      });
      const entries = trail.slice(0, AUDIT_PAGE);
      const { maskedEmail: _email, maskedMobile: _mobile, ...unmasked } = state;
      return ok({
        ...unmasked,
        email: card.email,
        mobile: card.mobile,
        registeredAt: card.registeredAt,
        triesLeft: Math.max(0, deps.policy.answers.maxWrongSubmissions - card.failures),
        pukReleaseCap: deps.policy.puk.maxReleasesPerDay,
        recentAttempts: attempts.map(({ expiresAt, ...a }) => ({
          ...a,
          expired: a.state !== 'ended' && expiresAt <= now,
        })),
        audit: {
          entries,
          nextBefore: trail.length > AUDIT_PAGE ? (entries.at(-1)?.id ?? null) : null,
        },
      });
    },
  };
}
