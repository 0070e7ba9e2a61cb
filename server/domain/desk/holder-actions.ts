import { z } from 'zod';
import { withoutHiddenCharacters } from '../../../src/shared/hidden-characters';
import { maskPhoneNumber } from '../../../src/shared/phone-number';
import { err, ok } from '../../../src/shared/result';
import { operatorSource } from '../admin-actor';
import { FREEZE_REASON, isLocked } from '../card-lock';
import type { DomainDeps } from '../deps';
import { holderEmailOrNoneSchema, holderMobileOrNoneSchema } from '../holder-fields';
import { maskEmail } from '../mask-email';
import type { DomainError, DomainResult, LockoutCleared } from '../ports';
import { audit, fail } from '../refusal';
import type { CardRecord, Repositories } from '../repository-ports';
import type { ContactsInput, ContactsSet, OperatorCall } from './desk-ports';

/** The longest reason an operator may give, so that an audit row stays one readable line. */
export const OPERATOR_REASON_MAX_LENGTH = 200;

/** Why an operator acted, for the audit trail: one printable line. */
export const operatorReasonSchema = withoutHiddenCharacters
  .trim()
  .min(1, 'is empty.')
  .max(OPERATOR_REASON_MAX_LENGTH, `is longer than ${OPERATOR_REASON_MAX_LENGTH} characters.`);

/** The contacts an operator sets, checked as the import checks them; left out keeps one. */
const contactsSchema = z
  .object({
    email: holderEmailOrNoneSchema.optional(),
    mobile: holderMobileOrNoneSchema.optional(),
  })
  .strict();

/** Why a holder cannot be left with neither contact, against the email field as the import says. */
export const NO_CONTACT_LEFT =
  'is empty, and so is mobile: a holder needs an email address or a mobile number.';

/** Both contacts as the console's form gives them (empty for none): at least one. */
export const contactsFormSchema = contactsSchema
  .required()
  .refine((c) => c.email !== null || c.mobile !== null, {
    message: NO_CONTACT_LEFT,
    path: ['email'],
  });

/** The audit source and reason of a call; the console must give a reason, the CLI may not. */
function checkCall(
  call: OperatorCall,
): DomainResult<{ source: { sourceAddress: string; requestId: string | null }; reason?: string }> {
  const source = operatorSource(call.operator);
  if (!source.ok) return source;
  if (call.reason === undefined) {
    return call.operator.via === 'console'
      ? fail('VALIDATION_FAILED', { field: 'reason' })
      : ok({ source: source.value });
  }
  const reason = operatorReasonSchema.safeParse(call.reason);
  if (!reason.success) return fail('VALIDATION_FAILED', { field: 'reason' });
  return ok({ source: source.value, reason: reason.data });
}

/** An audit detail with the reason last, where its free text cannot be read as another fact. */
function withReason(detail: string | undefined, reason: string | undefined) {
  const text = [detail, reason === undefined ? undefined : `reason=${reason}`]
    .filter((part) => part !== undefined)
    .join(';');
  return text === '' ? {} : { detail: text };
}

/**
 * Runs one change to a known card and its audit row in one transaction; an unknown card is
 * audited NOT_FOUND. `change` gives its result and the row's facts.
 */
async function onCard<T>(
  deps: DomainDeps,
  cardId: string,
  call: OperatorCall,
  action: string,
  change: (
    trx: Repositories,
    card: CardRecord,
    now: string,
  ) => Promise<{ value: T; detail?: string } | { refused: DomainError }>,
): Promise<DomainResult<T>> {
  const checked = checkCall(call);
  if (!checked.ok) return checked;
  const { source, reason } = checked.value;
  const line = { cardId, attemptId: null, action: `admin.${action}` };
  const done = await deps.unitOfWork.run(async (trx) => {
    const card = await trx.cards.find(cardId);
    if (card === undefined) return undefined;
    const result = await change(trx, card, deps.now().toISOString());
    // A refusal changes nothing, and so writes no row.
    if ('refused' in result) return result;
    const detail = withReason(result.detail, reason);
    await audit(deps, source, { ...line, outcome: 'ok', ...detail }, trx.audit);
    return result;
  });
  if (done !== undefined) return 'refused' in done ? err(done.refused) : ok(done.value);
  await audit(deps, source, { ...line, outcome: 'NOT_FOUND', ...withReason(undefined, reason) });
  return fail('NOT_FOUND');
}

/** A contact as an audit row may hold it: masked, or `none`. */
const masked = (c: Pick<CardRecord, 'email' | 'mobile'>) => [
  `email=${c.email === null ? 'none' : maskEmail(c.email)}`,
  `mobile=${c.mobile === null ? 'none' : maskPhoneNumber(c.mobile)}`,
];

/** The desk's and IT's changes to a card, each audited with its operator and reason. */
export function holderActions(deps: DomainDeps) {
  return {
    /** Clears the wrong-answer count and lifts a freeze: the desk has checked the holder. */
    clearLockout: (cardId: string, call: OperatorCall): Promise<DomainResult<LockoutCleared>> =>
      onCard(deps, cardId, call, 'clear-lockout', async (trx, card, now) => {
        await trx.cards.clearFailures(cardId, now);
        const unfrozen = card.frozen !== null && (await trx.cards.unfreeze(cardId, now));
        const value = {
          wasLocked: isLocked(deps.policy, card),
          wrongAnswerSubmissions: card.failures,
          frozen: unfrozen ? card.frozen : null,
        };
        const frozen = value.frozen === null ? '' : `;wasFrozen=${value.frozen.reason}`;
        const detail = `wasLocked=${value.wasLocked};wrongAnswerSubmissions=${value.wrongAnswerSubmissions}${frozen}`;
        return { value, detail };
      }),

    /** Forgets the registration (answers and confirmed address); the holder registers again. */
    async resetRegistration(cardId: string, call: OperatorCall): Promise<DomainResult<void>> {
      const checked = checkCall(call);
      if (!checked.ok) return checked;
      const { source, reason } = checked.value;
      // Its own transaction in the adapter (answers and the card's row together).
      const found = await deps.repos.cards.clearRegistration(cardId, deps.now().toISOString());
      await audit(deps, source, {
        cardId,
        attemptId: null,
        action: 'admin.reset-registration',
        outcome: found ? 'ok' : 'NOT_FOUND',
        ...withReason(undefined, reason),
      });
      return found ? ok(undefined) : fail('NOT_FOUND');
    },

    /** Corrects the holder's email and mobile, checked as the import checks them. */
    async setContacts(
      cardId: string,
      input: ContactsInput,
      call: OperatorCall,
    ): Promise<DomainResult<ContactsSet>> {
      const parsed = contactsSchema.safeParse(input);
      if (!parsed.success) {
        return fail('VALIDATION_FAILED', { field: String(parsed.error.issues[0]?.path[0]) });
      }
      return onCard<ContactsSet>(deps, cardId, call, 'set-contact', async (trx, card, now) => {
        const contacts = {
          email: parsed.data.email === undefined ? card.email : parsed.data.email,
          mobile: parsed.data.mobile === undefined ? card.mobile : parsed.data.mobile,
        };
        if (contacts.email === null && contacts.mobile === null) {
          return { refused: { code: 'VALIDATION_FAILED', details: { field: 'email' } } };
        }
        await trx.holders.setContacts(cardId, contacts, now);
        const changed = (['email', 'mobile'] as const).filter((k) => card[k] !== contacts[k]);
        const detail = [`changed=${changed.join(',') || 'none'}`, ...masked(contacts)].join(';');
        return { value: { ...contacts, changed }, detail };
      });
    },

    /** Freezes self-service unlock for the card; a card frozen already keeps its first freeze. */
    freeze: (cardId: string, call: OperatorCall) =>
      onCard(deps, cardId, call, 'freeze', async (trx, card, now) => {
        const frozenNow = await trx.cards.freeze(cardId, FREEZE_REASON.desk, now);
        const since = frozenNow ? now : (card.frozen?.at ?? now);
        return { value: { frozenNow, since }, detail: `frozen=${frozenNow ? 'now' : 'already'}` };
      }),

    /** Lifts a freeze, and nothing else (clear-lockout lifts both). */
    unfreeze: (cardId: string, call: OperatorCall) =>
      onCard(deps, cardId, call, 'unfreeze', async (trx, card, now) => {
        const lifted = card.frozen !== null && (await trx.cards.unfreeze(cardId, now));
        const wasFrozen = lifted ? card.frozen : null;
        return { value: { wasFrozen }, detail: `wasFrozen=${wasFrozen?.reason ?? 'no'}` };
      }),
  };
}
