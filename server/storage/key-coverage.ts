import type { Kysely } from 'kysely';
import { sealedPukCountsByKey } from './puk-repository';
import type { Database } from './schema';

/**
 * The key-encryption keys that stored PUKs are sealed under but the settings lack, with how many
 * PUKs each seals. Empty when every stored PUK can be opened.
 */
export async function keysMissingForStoredPuks(
  db: Kysely<Database>,
  configuredKeyIds: readonly string[],
): Promise<Readonly<Record<string, number>>> {
  const configured = new Set(configuredKeyIds);
  return Object.fromEntries(
    Object.entries(await sealedPukCountsByKey(db)).filter(([id]) => !configured.has(id)),
  );
}

/**
 * Why a server must not start without those keys: it could neither release nor rotate those
 * cards' PUKs, and a PUK the server rotated exists nowhere else.
 */
export function missingKeysMessage(missing: Readonly<Record<string, number>>): string {
  const list = Object.entries(missing)
    .map(([id, n]) => `"${id}" (${n} PUK${n === 1 ? '' : 's'})`)
    .join(', ');
  return `Stored PUKs are encrypted under key-encryption keys that are not in the settings: ${list}. Without them those cards cannot be unlocked, and a PUK the server rotated exists nowhere else. Put the keys back in SCU_KEY_ENCRYPTION_KEYS (or keys.keyEncryptionKeys); remove a key only after "npm run admin -- rotate-key NEW_KEY_ID" reports that no PUK is under it.`;
}
