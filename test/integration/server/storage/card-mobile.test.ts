import { describe, expect, it } from 'vitest';
import { createServices } from '../../../../server/create-services';
import { findCard, upsertCard } from '../../../../server/storage/card-repository';
import { openDatabase } from '../../../../server/storage/database';
import { storageEngines } from '../../../support/storage-engines';
import { migratedTo, storedCard } from '../../../support/storage-fixtures';
import { importOf, makeCard, testKeys, testSettings } from '../domain/harness';

const { engines } = await storageEngines('card-mobile');

const card = storedCard;

describe.each(engines)('mobile numbers stored on %s', (_, fresh) => {
  it('when a database from before mobile numbers is upgraded, then its cards stay as they were and have no mobile', async () => {
    const settings = await fresh();
    const old = await migratedTo(settings, '0005-code-before-send');
    await upsertCard(old, card('a'.repeat(32)), '2026-03-02T09:00:00.000Z');
    await old.destroy();
    const upgraded = await openDatabase(settings);
    try {
      expect(await findCard(upgraded.db, 'a'.repeat(32))).toMatchObject({
        holderName: 'Mr John Rigby',
        email: 'john.rigby@nhs.net',
        mobile: null,
      });
    } finally {
      await upgraded.close();
    }
  });

  it('when a card is imported again without a mobile, then it keeps its number; with null, the number goes', async () => {
    const db = await openDatabase(await fresh());
    try {
      const id = 'b'.repeat(32);
      await upsertCard(db.db, card(id, '+447700900123'), '2026-03-02T09:00:00.000Z');
      expect((await findCard(db.db, id))?.mobile).toBe('+447700900123');
      await upsertCard(db.db, card(id), '2026-03-02T09:01:00.000Z');
      expect((await findCard(db.db, id))?.mobile).toBe('+447700900123');
      await upsertCard(db.db, card(id, null), '2026-03-02T09:02:00.000Z');
      expect((await findCard(db.db, id))?.mobile).toBeNull();
    } finally {
      await db.close();
    }
  });

  it('when IT imports a card with a mobile, then `show` gives it masked only', async () => {
    const services = await createServices(testSettings(await fresh(), 1, testKeys()));
    try {
      const c = makeCard();
      const imported = await services.admin.importCards(
        [{ ...importOf(c), mobile: '+447700900321' }],
        'tester',
      );
      expect(imported.ok).toBe(true);
      const shown = await services.admin.showCard(c.cardId);
      expect(shown).toMatchObject({ ok: true, value: { maskedMobile: '07*** ***321' } });
      expect(JSON.stringify(shown)).not.toContain('900321');
      const bare = makeCard();
      await services.admin.importCards([importOf(bare)], 'tester');
      const none = await services.admin.showCard(bare.cardId);
      expect(none.ok && 'maskedMobile' in none.value).toBe(false);
    } finally {
      await services.close();
    }
  });

  it('when the admin service is given a number not in E.164, then nothing is imported', async () => {
    const services = await createServices(testSettings(await fresh(), 1, testKeys()));
    try {
      const c = makeCard();
      const refused = await services.admin.importCards(
        [{ ...importOf(c), mobile: '07700 900321' }],
        'tester',
      );
      expect(refused).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION_FAILED', details: { field: 'cards[0].mobile' } },
      });
      expect((await services.admin.showCard(c.cardId)).ok).toBe(false);
    } finally {
      await services.close();
    }
  });
});
