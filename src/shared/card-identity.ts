import { z } from 'zod';

/** A card's identifier: the 16-byte GUID from its CHUID, as 32 lowercase hex digits. */
export const cardIdSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[0-9a-f]{32}$/, 'A card identifier is 32 hexadecimal digits (the CHUID GUID).');

/** Which signature a card proof carries: 9A (after the passcode) or 9E (no passcode). */
export const proofPurposeSchema = z.enum(['unlock', 'register']);
export type ProofPurpose = z.infer<typeof proofPurposeSchema>;

/**
 * The exact text the card signs (SHA-256 then ECDSA P-256) to prove it is present: bound to the
 * purpose, the attempt and the server's single-use nonce, so a signature cannot be replayed
 * elsewhere. Unlock proofs use the Card Authentication key (9E), registration proofs the PIV
 * Authentication key (9A), which needs the passcode.
 */
export function cardProofMessage(purpose: ProofPurpose, attemptId: string, nonce: string): string {
  return `smartcard-unlock/v1/${purpose}/${attemptId}/${nonce}`;
}
