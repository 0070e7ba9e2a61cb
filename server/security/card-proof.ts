import { type KeyObject, X509Certificate, createPublicKey, verify } from 'node:crypto';

/**
 * The public key in a card's certificate, or in a bare SubjectPublicKeyInfo, provided it is an
 * ECDSA P-256 key (the only kind the card profile uses). Undefined when it is neither.
 */
export function cardPublicKey(der: Uint8Array): KeyObject | undefined {
  let key: KeyObject;
  try {
    key = new X509Certificate(Buffer.from(der)).publicKey;
  } catch {
    try {
      key = createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' });
    } catch {
      return undefined;
    }
  }
  return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1'
    ? key
    : undefined;
}

/** Keys parsed from the stored certificates of recent proofs: parsing one costs more than the check. */
const recentKeys = new Map<string, KeyObject | undefined>();
const RECENT_KEYS_MAX = 1024;

/** `cardPublicKey`, parsed once per distinct certificate among the last RECENT_KEYS_MAX. */
function cachedPublicKey(der: Uint8Array): KeyObject | undefined {
  const id = Buffer.from(der).toString('base64');
  if (recentKeys.has(id)) return recentKeys.get(id);
  const key = cardPublicKey(der);
  const oldest = recentKeys.keys().next();
  if (recentKeys.size >= RECENT_KEYS_MAX && oldest.done !== true) recentKeys.delete(oldest.value);
  recentKeys.set(id, key);
  return key;
}

/** True when `signatureDer` is the card key's ECDSA P-256 / SHA-256 signature over `message`. */
export function verifyCardSignature(
  certificateOrSpki: Uint8Array,
  message: string,
  signatureDer: Uint8Array,
): boolean {
  const key = cachedPublicKey(certificateOrSpki);
  if (key === undefined) return false;
  try {
    return verify('sha256', Buffer.from(message, 'utf8'), key, Buffer.from(signatureDer));
  } catch {
    return false;
  }
}

/**
 * When a card's certificate expires (ISO 8601), or null for a bare public key, which has no expiry,
 * or for bytes that are not a certificate at all.
 */
export function certificateNotAfter(der: Uint8Array): string | null {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(Buffer.from(der));
  } catch {
    return null;
  }
  // Node 20 has only the text form ("Mar  2 09:00:00 2027 GMT"); later versions add a Date.
  const { validToDate } = certificate as { validToDate?: Date };
  const at = validToDate ?? new Date(certificate.validTo);
  return Number.isNaN(at.getTime()) ? null : at.toISOString();
}
