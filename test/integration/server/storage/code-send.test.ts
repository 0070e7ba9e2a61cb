import { describe, expect, it } from 'vitest';
import { findAttempt, insertAttempt } from '../../../../server/storage/attempt-repository';
import {
  recordWrongCode,
  reserveSend,
  storeCode,
  undoSend,
} from '../../../../server/storage/code-repository';
import { openDatabase } from '../../../../server/storage/database';
import { storageEngines } from '../../../support/storage-engines';

const { engines } = await storageEngines('code-send');

const NOW = Date.parse('2026-05-01T12:00:00.000Z');
const at = (seconds: number): string => new Date(NOW + seconds * 1000).toISOString();
const MAX_TRIES = 5;

// A code is stored before its mail goes and put back when the mail certainly failed: the storage
// steps on each engine, with the interleavings a guesser or an overlapping send can cause.
describe.each(engines)('sending a code on %s', (_name, fresh) => {
  /** An answered attempt whose first code, C0, was mailed at NOW. */
  async function answeredWithCode() {
    const database = await openDatabase(await fresh());
    const { db } = database;
    await insertAttempt(db, {
      attemptId: 'attempt-1',
      kind: 'unlock',
      cardId: 'c'.repeat(32),
      createdAt: at(0),
      expiresAt: at(900),
      nonce: 'n'.repeat(43),
      nonceExpiresAt: at(120),
    });
    await db.updateTable('attempts').set({ state: 'answered' }).execute();
    expect(await reserveSend(db, 'attempt-1', 3, at(-60), at(0))).toBe(1);
    expect(await storeCode(db, 'attempt-1', 1, 'C0', at(600), 'email')).toBe(true);
    return database;
  }

  it('when a resend certainly fails, then the code before it is back, with the wrong tries made against it meanwhile, and the send is not counted', async () => {
    const database = await answeredWithCode();
    const { db } = database;
    try {
      expect(await recordWrongCode(db, 'attempt-1', 'C0', MAX_TRIES)).toBe(1);
      expect(await reserveSend(db, 'attempt-1', 3, at(0), at(61))).toBe(2);
      expect(await storeCode(db, 'attempt-1', 2, 'C1', at(661), 'email')).toBe(true);
      // A guess checked against C0 before C1 was stored still counts, against C0.
      expect(await recordWrongCode(db, 'attempt-1', 'C0', MAX_TRIES)).toBe(2);
      // And a guess against the unsent C1 counts too, carried over when C0 comes back.
      expect(await recordWrongCode(db, 'attempt-1', 'C1', MAX_TRIES)).toBe(1);
      await undoSend(db, 'attempt-1', 2, at(61), 'C1');
      expect(await findAttempt(db, 'attempt-1', 'unlock')).toMatchObject({
        codeHash: 'C0',
        codeExpiresAt: at(600),
        codeTries: 3,
        sends: 1,
        lastSentAt: at(0),
      });
    } finally {
      await database.close();
    }
  });

  it('when an earlier send fails after a later one was stored, then nothing is undone: the later send decides', async () => {
    const database = await answeredWithCode();
    const { db } = database;
    try {
      expect(await reserveSend(db, 'attempt-1', 3, at(0), at(61))).toBe(2);
      expect(await storeCode(db, 'attempt-1', 2, 'C1', at(661), 'email')).toBe(true);
      expect(await reserveSend(db, 'attempt-1', 3, at(61), at(122))).toBe(3);
      expect(await storeCode(db, 'attempt-1', 3, 'C2', at(722), 'email')).toBe(true);
      await undoSend(db, 'attempt-1', 2, at(61), 'C1');
      expect(await findAttempt(db, 'attempt-1', 'unlock')).toMatchObject({
        codeHash: 'C2',
        sends: 3,
      });
    } finally {
      await database.close();
    }
  });

  it('when a code is spent, then a failed send cannot bring it back', async () => {
    const database = await answeredWithCode();
    const { db } = database;
    try {
      expect(await reserveSend(db, 'attempt-1', 3, at(0), at(61))).toBe(2);
      expect(await storeCode(db, 'attempt-1', 2, 'C1', at(661), 'email')).toBe(true);
      await db
        .updateTable('attempts')
        .set({ code_used_at: at(62) })
        .execute();
      await undoSend(db, 'attempt-1', 2, at(61), 'C1');
      expect(await findAttempt(db, 'attempt-1', 'unlock')).toMatchObject({
        codeHash: 'C1',
        codeUsedAt: at(62),
        sends: 2,
      });
    } finally {
      await database.close();
    }
  });
});
