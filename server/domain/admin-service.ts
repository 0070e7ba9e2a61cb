import { z } from 'zod';
import { cardIdSchema } from '../../src/shared/card-identity';
import { pukSchema } from '../../src/shared/http-api';
import { e164UkMobileSchema, maskPhoneNumber } from '../../src/shared/phone-number';
import { ok } from '../../src/shared/result';
import { cardPublicKey, certificateNotAfter } from '../security/card-proof';
import { isLocked } from './card-lock';
import type { DomainDeps } from './deps';
import { audit, fail } from './refusal';
import { rotationRefOf } from './rotation-ref';
import { utcDay } from './time';
import { adminSource } from './admin-actor';
import { maskEmail } from './mask-email';
import { holderEmailSchema, holderNameSchema } from './holder-fields';
import type { AdminService, CardImport, CardState } from './ports';
import type { CardRecord } from './repository-ports';

const p256Key = z
  .instanceof(Uint8Array)
  .refine(
    (der) => cardPublicKey(der) !== undefined,
    'Not a DER certificate or public key for an ECDSA P-256 key.',
  );

/** One imported card, checked before anything is written. */
const cardImportSchema = z
  .object({
    cardId: cardIdSchema,
    holderName: holderNameSchema,
    email: holderEmailSchema.nullable(),
    mobile: e164UkMobileSchema.nullable().optional(),
    pivAuthentication: p256Key,
    cardAuthentication: p256Key,
    puk: pukSchema,
  })
  .strict()
  .refine((c) => c.email !== null || typeof c.mobile === 'string', {
    message: 'A card needs an email address or a mobile number.',
    path: ['email'],
  });

/** Each certificate's expiry as `show` gives it, and whether it has passed. */
function certificatesOf(card: CardRecord, now: string): CardState['certificates'] {
  const slot = (notAfter: string | null) => ({
    notAfter,
    expired: notAfter !== null && notAfter <= now,
  });
  return { '9A': slot(card.pivAuthNotAfter), '9E': slot(card.cardAuthNotAfter) };
}

/** IT's operations: import, inspect, reset, clear, audit, rotate the key-encryption key. */
export function createAdminService(deps: DomainDeps): AdminService {
  return {
    async importCards(cards: readonly CardImport[], actor: string) {
      const source = adminSource(actor);
      if (!source.ok) return source;
      const parsed: z.infer<typeof cardImportSchema>[] = [];
      const seen = new Set<string>();
      for (const [index, card] of cards.entries()) {
        const result = cardImportSchema.safeParse(card);
        if (!result.success) {
          const path = result.error.issues[0]?.path.join('.') ?? '';
          return fail('VALIDATION_FAILED', { field: `cards[${index}].${path}` });
        }
        if (seen.has(result.data.cardId)) {
          return fail('VALIDATION_FAILED', { field: `cards[${index}].cardId` });
        }
        seen.add(result.data.cardId);
        parsed.push(result.data);
      }
      const now = deps.now().toISOString();
      // All or nothing: one transaction for the batch and its audit rows, one per card so that
      // `audit --card` shows when the card arrived or changed.
      const counts = await deps.unitOfWork.run(async (trx) => {
        let imported = 0;
        let updated = 0;
        for (const card of parsed) {
          const outcome = await trx.cards.upsert(
            {
              cardId: card.cardId,
              holderName: card.holderName,
              email: card.email,
              ...(card.mobile === undefined ? {} : { mobile: card.mobile }),
              pivAuthDer: card.pivAuthentication,
              cardAuthDer: card.cardAuthentication,
              // Read once here, so a proof compares two strings instead of parsing certificates.
              notAfter: {
                pivAuth: certificateNotAfter(card.pivAuthentication),
                cardAuth: certificateNotAfter(card.cardAuthentication),
              },
              puk: deps.keyRing.seal(card.cardId, card.puk),
            },
            now,
          );
          if (outcome === 'inserted') imported++;
          else updated++;
          await audit(
            deps,
            source.value,
            {
              cardId: card.cardId,
              attemptId: null,
              action: 'admin.import',
              outcome: 'ok',
              detail: outcome === 'inserted' ? 'card=new' : 'card=updated',
            },
            trx.audit,
          );
        }
        return { imported, updated };
      });
      return ok(counts);
    },

    async showCard(cardId) {
      const card = await deps.repos.cards.find(cardId);
      if (card === undefined) return fail('NOT_FOUND');
      return ok({
        cardId: card.cardId,
        holderName: card.holderName,
        ...(card.email === null ? {} : { maskedEmail: maskEmail(card.email) }),
        ...(card.mobile === null ? {} : { maskedMobile: maskPhoneNumber(card.mobile) }),
        registered: card.registeredAt !== null,
        emailConfirmed: card.emailConfirmedAt !== null,
        selfServiceLocked: isLocked(deps.policy, card),
        wrongAnswerSubmissions: card.failures,
        pukReleasesToday: await deps.repos.cards.pukReleasesOn(cardId, utcDay(deps.now())),
        pendingPukRotation: card.pendingPuk !== null,
        lastUnlockAt: card.lastUnlockAt,
        selfServiceFrozen: card.frozen,
        certificates: certificatesOf(card, deps.now().toISOString()),
      });
    },

    async resetRegistration(cardId, actor) {
      const source = adminSource(actor);
      if (!source.ok) return source;
      const found = await deps.repos.cards.clearRegistration(cardId, deps.now().toISOString());
      await audit(deps, source.value, {
        cardId,
        attemptId: null,
        action: 'admin.reset-registration',
        outcome: found ? 'ok' : 'NOT_FOUND',
      });
      return found ? ok(undefined) : fail('NOT_FOUND');
    },

    async clearLockout(cardId, actor) {
      const source = adminSource(actor);
      if (!source.ok) return source;
      // The state before clearing, read in the same transaction, so the report says what it did.
      // A freeze ("This wasn't me") goes too: the desk has checked the holder either way.
      const before = await deps.unitOfWork.run(async (trx) => {
        const card = await trx.cards.find(cardId);
        if (card === undefined) return undefined;
        const now = deps.now().toISOString();
        await trx.cards.clearFailures(cardId, now);
        const unfrozen = card.frozen !== null && (await trx.cards.unfreeze(cardId, now));
        return {
          wasLocked: isLocked(deps.policy, card),
          wrongAnswerSubmissions: card.failures,
          frozen: unfrozen ? card.frozen : null,
        };
      });
      const frozen = before?.frozen == null ? '' : `;wasFrozen=${before.frozen.reason}`;
      await audit(deps, source.value, {
        cardId,
        attemptId: null,
        action: 'admin.clear-lockout',
        outcome: before === undefined ? 'NOT_FOUND' : 'ok',
        ...(before === undefined
          ? {}
          : {
              detail: `wasLocked=${before.wasLocked};wrongAnswerSubmissions=${before.wrongAnswerSubmissions}${frozen}`,
            }),
      });
      return before === undefined ? fail('NOT_FOUND') : ok(before);
    },

    async auditTrail(filter) {
      const limit = Math.min(Math.max(filter.limit ?? 100, 1), 10_000);
      return ok(
        await deps.repos.audit.list(
          filter.cardId === undefined ? { limit } : { cardId: filter.cardId, limit },
        ),
      );
    },

    async rotateKeyEncryptionKey(newKeyId, actor) {
      const source = adminSource(actor);
      if (!source.ok) return source;
      if (!deps.keyRing.has(newKeyId)) {
        return fail('VALIDATION_FAILED', { field: 'keys.keyEncryptionKeys' });
      }
      let rotated = 0;
      for (const card of await deps.repos.cards.listSealedPuks()) {
        for (const [which, sealed] of [
          ['current', card.puk],
          ['pending', card.pendingPuk],
        ] as const) {
          if (sealed === null || sealed.keyId === newKeyId) continue;
          const clear = deps.keyRing.open(card.cardId, sealed);
          const resealed = deps.keyRing.seal(card.cardId, clear, newKeyId);
          // Conditional on the old ciphertext: an unlock committing meanwhile is not undone. An
          // unlock between its unblock and its outcome keeps the pending PUK's fingerprint, which
          // moves with the new ciphertext so that its outcome can still commit the rotation.
          const done = await deps.unitOfWork.run(async (trx) => {
            if (!(await trx.cards.resealPuk(card.cardId, which, sealed, resealed))) return false;
            if (which === 'pending') {
              await trx.attempts.retargetRotation(
                card.cardId,
                rotationRefOf(sealed),
                rotationRefOf(resealed),
              );
            }
            return true;
          });
          if (done) rotated++;
        }
      }
      await audit(deps, source.value, {
        cardId: null,
        attemptId: null,
        action: 'admin.rotate-kek',
        outcome: 'ok',
        detail: `keyId=${newKeyId};rotated=${rotated}`,
      });
      // A server still sealing with an older active key may have added PUKs meanwhile.
      const remaining = Object.fromEntries(
        Object.entries(await deps.repos.cards.sealedPukCountsByKey()).filter(
          ([id]) => id !== newKeyId,
        ),
      );
      return ok({ rotated, remaining });
    },
  };
}
