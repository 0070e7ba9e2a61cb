import { z } from 'zod';

/** A card's identifier: the 16-byte GUID from its CHUID, as 32 lowercase hex digits. */
export const cardIdSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[0-9a-f]{32}$/, 'A card identifier is 32 hexadecimal digits (the CHUID GUID).');

/** Which signature a card proof carries: 9A (after the passcode) or 9E (no passcode). */
export type ProofPurpose = 'unlock' | 'register';

/**
 * The text the card signs (SHA-256, ECDSA P-256) to prove presence, bound to purpose, attempt and
 * nonce against replay: 9E signs unlock proofs, 9A (behind the passcode) registration proofs.
 */
export function cardProofMessage(purpose: ProofPurpose, attemptId: string, nonce: string): string {
  return `smartcard-unlock/v1/${purpose}/${attemptId}/${nonce}`;
}
