import { z } from 'zod';
import { cardIdSchema } from '../../src/shared/card-identity';
import { pukSchema } from '../../src/shared/http-api';
import { e164UkMobileSchema } from '../../src/shared/phone-number';
import { ok } from '../../src/shared/result';
import { cardPublicKey, certificateNotAfter } from '../security/card-proof';
import { cardStateOf } from './card-state';
import type { DomainDeps } from './deps';
import { holderActions } from './desk/holder-actions';
import type { OperatorCall } from './desk/desk-ports';
import { audit, fail } from './refusal';
import { rotationRefOf } from './rotation-ref';
import { adminSource } from './admin-actor';
import { holderEmailSchema, holderNameSchema, holderSiteSchema } from './holder-fields';
import type { AdminService, CardImport } from './ports';

/** A call from the admin CLI: `--actor`, and `--reason` where given. */
const callOf = (actor: string, reason: string | undefined): OperatorCall => ({
  operator: { via: 'admin', name: actor },
  ...(reason === undefined ? {} : { reason }),
});

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
    site: holderSiteSchema.optional(),
    pivAuthentication: p256Key,
    cardAuthentication: p256Key,
    puk: pukSchema,
  })
  .strict()
  .refine((c) => c.email !== null || typeof c.mobile === 'string', {
    message: 'A card needs an email address or a mobile number.',
    path: ['email'],
  });

/** IT's operations: import, inspect, reset, clear, audit, rotate the key-encryption key. */
export function createAdminService(deps: DomainDeps): AdminService {
  // The desk's own actions: the CLI and the console change a card through the same functions.
  const actions = holderActions(deps);
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
              ...(card.site === undefined ? {} : { site: card.site }),
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
      return card === undefined ? fail('NOT_FOUND') : ok(await cardStateOf(deps, card));
    },

    resetRegistration: (cardId, actor, reason) =>
      actions.resetRegistration(cardId, callOf(actor, reason)),

    clearLockout: (cardId, actor, reason) => actions.clearLockout(cardId, callOf(actor, reason)),

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
