/**
 * The one redaction both logs use: the desktop app's (`src/main/logging/logger.ts`) and the
 * server's (`server/logging.ts`). A careless log call that passes a secret still cannot leak it.
 */

/**
 * Keys whose values are secrets wherever they appear, at any depth (compared case-insensitively):
 * what a holder types, what the server keeps or sends, and what protects them; whole bodies and
 * credential headers too.
 */
const SECRET_KEYS: ReadonlySet<string> = new Set([
  'passcode',
  'newpasscode',
  'confirmation',
  'pin',
  'puk',
  'nextpuk',
  'unconfirmedpuk',
  'code',
  'answer',
  'answers',
  'pass',
  'password',
  'secret',
  'token',
  'pepper',
  'keyencryptionkey',
  'keyencryptionkeys',
  'privatekey',
  'signature',
  'authorization',
  'cookie',
  'set-cookie',
  'body',
  // GOV.UK Notify's key, the holder's mobile, and a template's values (they carry the code).
  'apikey',
  'mobile',
  'phonenumber',
  'phone_number',
  'personalisation',
]);

/** What a secret value is replaced with. */
export const REDACTED = '[redacted]';

/** Deeper than this, a value is left out unread (which also ends a value that contains itself). */
const MAX_DEPTH = 6;

/**
 * A copy of `value` with every secret-named field's value replaced by `[redacted]`. Errors become
 * their name and message, bytes their length.
 */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH) return '[deep]';
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (value instanceof Uint8Array) return `[${value.length} bytes]`;
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      out[key] = SECRET_KEYS.has(key.toLowerCase()) ? REDACTED : redact(inner, depth + 1);
    }
    return out;
  }
  return value;
}
