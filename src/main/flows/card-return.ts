import { createHash, randomBytes, verify, X509Certificate, type KeyObject } from 'node:crypto';
import type { AppError } from '../../shared/errors';
import type { CardError, PivCard } from '../card/types';
import type { AttemptRef, CardProof } from './attempt-states';
import { cardErrorToAppError, cardGone, readCard, type CardAccess } from './card-work';

// Whether the card put back in the reader is the one that proved the paused attempt. A card
// identifier can be copied, so the card must also sign with the key the server accepted.

/** The card in the reader: the attempt's, another one, or none that could be read. */
type CardReturn =
  | { readonly kind: 'same' }
  | { readonly kind: 'other'; readonly why: string }
  | { readonly kind: 'unread'; readonly error: AppError };

/** The public key of a DER certificate; undefined when it does not parse. */
function certificateKey(der: Uint8Array): KeyObject | undefined {
  try {
    return new X509Certificate(Buffer.from(der)).publicKey;
  } catch {
    return undefined;
  }
}

/** Whether `signature` is the key's ECDSA signature over SHA-256 of `message`. */
function signs(key: KeyObject, message: string, signature: Uint8Array): boolean {
  try {
    return verify('sha256', Buffer.from(message, 'utf8'), key, Buffer.from(signature));
  } catch {
    return false;
  }
}

/**
 * The card holds the proof's key: its certificate's key verifies the signature the server
 * accepted, and the card signs a fresh local challenge with it. 9E only: it needs no passcode.
 */
async function holdsProofKey(card: PivCard, proof: CardProof): Promise<CardReturn> {
  if (proof.slot !== '9E') return { kind: 'other', why: 'no-9e-proof' };
  const certificate = await card.readCertificate(proof.slot);
  if (!certificate.ok) return unread(certificate.error);
  const key = certificateKey(certificate.value);
  if (key === undefined || !signs(key, proof.message, proof.signature)) {
    return { kind: 'other', why: 'other-key' };
  }
  const challenge = `smartcard-unlock card check ${randomBytes(32).toString('base64url')}`;
  const digest = new Uint8Array(createHash('sha256').update(challenge, 'utf8').digest());
  const signed = await card.sign(proof.slot, digest);
  if (!signed.ok) return unread(signed.error);
  return signs(key, challenge, signed.value) ? { kind: 'same' } : { kind: 'other', why: 'no-key' };
}

/** A card error: gone or unreadable is said as it is; a card that refuses is another card. */
function unread(error: CardError): CardReturn {
  if (cardGone(error) || error.code === 'io') {
    return { kind: 'unread', error: cardErrorToAppError(error) };
  }
  return { kind: 'other', why: `card:${error.code}` };
}

/** Reads the card in the reader and tells whether it is the attempt's. */
export async function checkCardReturn(cards: CardAccess, attempt: AttemptRef): Promise<CardReturn> {
  const opened = await cards.open();
  if (!opened.ok) return { kind: 'unread', error: cardErrorToAppError(opened.error) };
  try {
    const read = await readCard(opened.value.card);
    if (!read.ok) {
      // Not a PIV card at all is another card; anything else may read on the next Continue.
      const { code } = read.error;
      return code === 'CARD_NOT_PIV'
        ? { kind: 'other', why: code }
        : { kind: 'unread', error: read.error };
    }
    if (read.value.cardId !== attempt.cardId) return { kind: 'other', why: 'other-card-id' };
    if (attempt.proof === undefined) return { kind: 'other', why: 'no-proof' };
    return await holdsProofKey(opened.value.card, attempt.proof);
  } finally {
    await opened.value.close();
  }
}
