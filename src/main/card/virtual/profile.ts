import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  X509Certificate,
  type KeyObject,
} from 'node:crypto';
import { z } from 'zod';
import { err, ok, type Result } from '../../../shared/result';
import type { PivKeySlot } from '../types';
import { selfSignedCertificate } from './certificate';
import { FILE_JSON_LIMITS, jsonTextExceedsLimits } from '../../../shared/json-limits';

/**
 * The virtual card's profile file: who the card belongs to, its secrets, its try counters and
 * its keys. The file stands for the chip: the card writes its state back to it.
 */

const SLOTS: readonly PivKeySlot[] = ['9A', '9E'];

/** The message for a wrong JSON type: missing fields are "required", others say what they should be. */
const typeError = (expected: string) => ({
  error: (issue: { readonly input?: unknown }) =>
    issue.input === undefined ? 'is required' : `must be ${expected}`,
});

/** Printable ASCII, 1 to 8 characters: what fits in an 8-byte FF-padded PIV reference. */
const referenceSchema = z
  .string(typeError('a string'))
  .regex(/^[\x20-\x7e]{1,8}$/, 'must be 1 to 8 printable ASCII characters');

const triesSchema = z
  .number(typeError('a number'))
  .int('must be a whole number')
  .min(0, 'must be from 0 to 15')
  .max(15, 'must be from 0 to 15');

const maxTriesSchema = z
  .number(typeError('a number'))
  .int('must be a whole number')
  .min(1, 'must be from 1 to 15')
  .max(15, 'must be from 1 to 15');

/** Parses a PKCS#8 PEM private key, or says what is wrong with it. */
function privateKeyProblem(pem: string): string | undefined {
  try {
    const key = createPrivateKey({ key: pem, format: 'pem' });
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      return 'must be an ECC P-256 private key';
    }
    return undefined;
  } catch {
    return 'must be an ECC P-256 private key in PKCS#8 PEM form';
  }
}

/** Parses a base64 DER certificate, or says what is wrong with it. */
function certificateProblem(base64: string): string | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64.replace(/\s+/g, ''))) return 'must be base64';
  try {
    new X509Certificate(Buffer.from(base64, 'base64'));
    return undefined;
  } catch {
    return 'must be a base64 DER X.509 certificate';
  }
}

const pemSchema = z.string(typeError('a string')).superRefine((pem, ctx) => {
  const problem = privateKeyProblem(pem);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
const certSchema = z.string(typeError('a string')).superRefine((b64, ctx) => {
  const problem = certificateProblem(b64);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** The profile file, validated (zod, strict: unknown fields are errors). */
const virtualCardProfileSchema = z
  .strictObject(
    {
      guid: z
        .string(typeError('a string'))
        .regex(/^[0-9a-fA-F]{32}$/, 'must be 32 hexadecimal digits (the CHUID GUID)')
        .transform((g) => g.toLowerCase()),
      holderName: z
        .string(typeError('a string'))
        .trim()
        .min(1, 'must not be empty')
        .max(64, 'must be at most 64 characters (an X.509 common name)'),
      pin: referenceSchema,
      puk: referenceSchema,
      pinTriesLeft: triesSchema,
      pukTriesLeft: triesSchema,
      pinTriesMax: maxTriesSchema.optional(),
      pukTriesMax: maxTriesSchema.optional(),
      keys: z
        .strictObject(
          { '9A': pemSchema.optional(), '9E': pemSchema.optional() },
          typeError('an object'),
        )
        .optional(),
      certificates: z
        .strictObject(
          { '9A': certSchema.optional(), '9E': certSchema.optional() },
          typeError('an object'),
        )
        .optional(),
    },
    { error: 'a profile must be a JSON object' },
  )
  .superRefine((profile, ctx) => {
    for (const [tries, max] of [
      ['pinTriesLeft', 'pinTriesMax'],
      ['pukTriesLeft', 'pukTriesMax'],
    ] as const) {
      if (profile[tries] > (profile[max] ?? DEFAULT_MAX_TRIES)) {
        ctx.addIssue({
          code: 'custom',
          path: [tries],
          message: `must not exceed ${max} (${profile[max] ?? DEFAULT_MAX_TRIES})`,
        });
      }
    }
    for (const slot of SLOTS) {
      const cert = profile.certificates?.[slot];
      if (cert === undefined || certificateProblem(cert)) continue;
      const pem = profile.keys?.[slot];
      if (pem === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['certificates', slot],
          message: `is given without keys.${slot}, so the card could not sign for it`,
        });
        continue;
      }
      if (privateKeyProblem(pem)) continue;
      const certKey = new X509Certificate(Buffer.from(cert, 'base64')).publicKey;
      const own = createPublicKey(createPrivateKey(pem));
      if (!certKey.equals(own)) {
        ctx.addIssue({
          code: 'custom',
          path: ['certificates', slot],
          message: `does not match the public key of keys.${slot}`,
        });
      }
    }
  });

/** A validated profile. */
type VirtualCardProfile = z.infer<typeof virtualCardProfileSchema>;

/** A profile with key material for both slots. */
export type CompleteProfile = VirtualCardProfile & {
  readonly keys: Readonly<Record<PivKeySlot, string>>;
  readonly certificates: Readonly<Record<PivKeySlot, string>>;
};

/** The retry counters' reset value when the profile does not set one (the profile's default). */
export const DEFAULT_MAX_TRIES = 3;

/** Why a profile could not be used: the field at fault (dotted path) and a sentence for people. */
export interface ProfileError {
  readonly field?: string;
  readonly message: string;
}

/** One sentence per issue, each naming its field. */
function describeIssues(issues: readonly z.core.$ZodIssue[]): { field?: string; text: string } {
  const lines = issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const where = issue.path.length ? `${issue.path.join('.')}.` : '';
      return {
        field: `${where}${issue.keys[0] ?? ''}`,
        text: issue.keys.map((k) => `field "${where}${k}" is not part of a profile`).join('; '),
      };
    }
    const field = issue.path.map(String).join('.');
    return { field, text: field ? `field "${field}" ${issue.message}` : issue.message };
  });
  return { field: lines[0]?.field, text: lines.map((l) => l.text).join('; ') };
}

/** Validates parsed JSON as a profile; `source` (a file name) starts the message. */
export function parseProfile(
  json: unknown,
  source = 'profile',
): Result<VirtualCardProfile, ProfileError> {
  const result = virtualCardProfileSchema.safeParse(json);
  if (result.success) return ok(result.data);
  const { field, text } = describeIssues(result.error.issues);
  return err({ ...(field ? { field } : {}), message: `${source}: ${text}` });
}

/** Parses profile text (JSON), naming the file in every message. */
export function parseProfileText(
  text: string,
  source = 'profile',
): Result<VirtualCardProfile, ProfileError> {
  if (jsonTextExceedsLimits(text, FILE_JSON_LIMITS)) {
    return err({ message: `${source}: nests deeper than ${FILE_JSON_LIMITS.maxDepth} levels` });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    return err({ message: `${source}: not valid JSON (${(cause as Error).message})` });
  }
  return parseProfile(json, source);
}

/** Ten years, the usual life of a card certificate. */
const CERT_LIFETIME_MS = 10 * 365 * 24 * 3600 * 1000;

/**
 * Generates what the profile lacks: a P-256 key for each slot without one, and a self-signed
 * certificate (subject CN = holder name) for each slot without one. `changed` says whether the
 * file should be written back.
 */
export function completeProfile(
  profile: VirtualCardProfile,
  now: Date = new Date(),
): { readonly profile: CompleteProfile; readonly changed: boolean } {
  const keys: Partial<Record<PivKeySlot, string>> = { ...profile.keys };
  const certificates: Partial<Record<PivKeySlot, string>> = { ...profile.certificates };
  let changed = false;
  for (const slot of SLOTS) {
    let pem = keys[slot];
    if (pem === undefined) {
      const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      pem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      keys[slot] = pem;
      changed = true;
    }
    const keyPem: string = pem;
    if (certificates[slot] === undefined) {
      const privateKey: KeyObject = createPrivateKey(keyPem);
      const der = selfSignedCertificate({
        privateKey,
        publicKey: createPublicKey(privateKey),
        commonName: profile.holderName,
        notBefore: new Date(now.getTime() - 24 * 3600 * 1000),
        notAfter: new Date(now.getTime() + CERT_LIFETIME_MS),
      });
      certificates[slot] = Buffer.from(der).toString('base64');
      changed = true;
    }
  }
  return {
    profile: {
      ...profile,
      keys: { '9A': keys['9A']!, '9E': keys['9E']! },
      certificates: { '9A': certificates['9A']!, '9E': certificates['9E']! },
    },
    changed,
  };
}
