import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SealedSecret } from '../domain/repository-ports';
import type { KeySettings } from './key-settings';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Encrypts and decrypts PUKs with AES-256-GCM under the key-encryption keys from the settings.
 * Each ciphertext names its key, so a new key can take over while old ones still decrypt; the
 * card identifier is bound as associated data, so a ciphertext moved to another card fails.
 */
export class KeyRing {
  readonly #keys: ReadonlyMap<string, Buffer>;
  readonly #activeKeyId: string;

  constructor(settings: Pick<KeySettings, 'keyEncryptionKeys' | 'activeKeyId'>) {
    this.#keys = new Map(
      Object.entries(settings.keyEncryptionKeys).map(([id, b64]) => [
        id,
        Buffer.from(b64, 'base64'),
      ]),
    );
    this.#activeKeyId = settings.activeKeyId;
  }

  /** The key that encrypts new secrets. */
  get activeKeyId(): string {
    return this.#activeKeyId;
  }

  /** True when the ring holds a key with this id. */
  has(keyId: string): boolean {
    return this.#keys.has(keyId);
  }

  /** Encrypts a card's secret under the active key (or `keyId`). */
  seal(cardId: string, secret: string, keyId: string = this.#activeKeyId): SealedSecret {
    const key = this.#key(keyId);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(aad(cardId, keyId));
    const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return { keyId, ciphertext: Buffer.concat([iv, body, cipher.getAuthTag()]) };
  }

  /** Decrypts a card's secret; throws if the key is missing or the ciphertext was tampered with. */
  open(cardId: string, sealed: SealedSecret): string {
    const key = this.#key(sealed.keyId);
    const data = Buffer.from(sealed.ciphertext);
    if (data.length < IV_BYTES + TAG_BYTES) throw new Error('A sealed secret is too short.');
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
    decipher.setAAD(aad(cardId, sealed.keyId));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    return Buffer.concat([
      decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  }

  #key(keyId: string): Buffer {
    const key = this.#keys.get(keyId);
    if (key === undefined) {
      throw new Error(
        `The key-encryption key "${keyId}" is not in the settings (keys.keyEncryptionKeys).`,
      );
    }
    return key;
  }
}

const aad = (cardId: string, keyId: string): Buffer =>
  Buffer.from(`smartcard-unlock/puk/v1/${cardId}/${keyId}`, 'utf8');
