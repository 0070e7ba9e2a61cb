import { type Algorithm, hash } from '@node-rs/argon2';
import type { ServerCoreSettings } from '../../server/create-services';
import { legacyNormaliseAnswer } from '../../server/domain/answer-form';
import { openDatabase } from '../../server/storage/database';

/**
 * A hash exactly as the server stored it before decision 0021: the answer in form 1, argon2id at
 * the settings' cost with the pepper as secret, and no form marker.
 */
export function hashedBefore0021(settings: ServerCoreSettings, answer: string): Promise<string> {
  const cost = settings.security.answers.argon2;
  return hash(legacyNormaliseAnswer(answer), {
    algorithm: 2 as Algorithm,
    memoryCost: cost.memoryKiB,
    timeCost: cost.passes,
    parallelism: cost.parallelism,
    secret: Buffer.from(settings.keys.answerPepper, 'base64'),
  });
}

/**
 * Replaces a registered card's stored answer hashes with hashes made before decision 0021, as a
 * holder registered then would have them; returns the stored hashes afterwards, by question.
 */
export async function storeLegacyAnswers(
  settings: ServerCoreSettings,
  cardId: string,
  answers: readonly { readonly questionId: string; readonly answer: string }[],
): Promise<Record<string, string>> {
  const database = await openDatabase(settings.storage);
  try {
    for (const { questionId, answer } of answers) {
      await database.db
        .updateTable('answers')
        .set({ answer_hash: await hashedBefore0021(settings, answer) })
        .where('card_id', '=', cardId)
        .where('question_id', '=', questionId)
        .execute();
    }
    return await storedAnswerHashes(database.db, cardId);
  } finally {
    await database.close();
  }
}

/** A card's stored answer hashes, by question, read from the server's database. */
export async function answerHashesOf(
  settings: ServerCoreSettings,
  cardId: string,
): Promise<Record<string, string>> {
  const database = await openDatabase(settings.storage);
  try {
    return await storedAnswerHashes(database.db, cardId);
  } finally {
    await database.close();
  }
}

/** A card's stored answer hashes, by question. */
export async function storedAnswerHashes(
  db: Awaited<ReturnType<typeof openDatabase>>['db'],
  cardId: string,
): Promise<Record<string, string>> {
  const rows = await db
    .selectFrom('answers')
    .select(['question_id', 'answer_hash'])
    .where('card_id', '=', cardId)
    .execute();
  return Object.fromEntries(rows.map((r) => [r.question_id, r.answer_hash]));
}
