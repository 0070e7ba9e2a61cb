import { createHash } from 'node:crypto';
import type { SealedSecret } from './repository-ports';

/**
 * A fingerprint of a sealed pending PUK (of the ciphertext: it reveals nothing of the PUK). The
 * attempt that released a rotation keeps it, so that only its outcome commits or drops that
 * rotation; re-sealing the PUK under another key must carry the attempt's fingerprint along.
 */
export function rotationRefOf(sealed: SealedSecret): string {
  return createHash('sha256').update(sealed.ciphertext).digest('base64url');
}
