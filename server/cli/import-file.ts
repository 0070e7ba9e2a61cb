import { createPublicKey, X509Certificate } from 'node:crypto';
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import { cardIdSchema } from '../../src/shared/card-identity';
import { pukSchema } from '../../src/shared/http-api';
import { FILE_JSON_LIMITS, jsonTextExceedsLimits } from '../../src/shared/json-limits';
import { err, ok, type Result } from '../../src/shared/result';
import type { CardImport } from '../domain/ports';
import {
  holderEmailOrNoneSchema,
  holderMobileOrNoneSchema,
  holderNameSchema,
  holderSiteSchema,
} from '../domain/holder-fields';

/**
 * Reads the issuing system's export (CSV with a header row, or a JSON array of objects) into
 * cards to import. Every bad row is reported with its line number, and one bad row means
 * nothing is imported. Messages never contain a PUK.
 */

/** The columns (CSV) or fields (JSON) of one card, in the order the documentation lists them. */
const IMPORT_FIELDS = [
  'cardId',
  'holderName',
  'email',
  'pivAuthentication',
  'cardAuthentication',
  'puk',
] as const;

/** Columns a file may leave out: without `mobile` or `site`, a known card keeps what it has. */
const OPTIONAL_FIELDS = ['mobile', 'site'] as const;

/** One problem in the file: where, which field, and what is wrong. */
export interface ImportIssue {
  readonly line: number;
  readonly field?: string;
  readonly message: string;
}

/** The DER bytes of a certificate or public key given as PEM or base64 DER; undefined if neither. */
export function certificateOrKeyDer(text: string): Uint8Array | undefined {
  const trimmed = text.trim();
  const der = trimmed.startsWith('-----BEGIN')
    ? pemBody(trimmed)
    : /^[A-Za-z0-9+/\s]+={0,2}$/.test(trimmed)
      ? Buffer.from(trimmed.replace(/\s/g, ''), 'base64')
      : undefined;
  if (der === undefined || der.length === 0) return undefined;
  return isP256(der) ? new Uint8Array(der) : undefined;
}

function pemBody(pem: string): Buffer | undefined {
  const match = /^-----BEGIN ([A-Z ]+)-----([\s\S]*?)-----END \1-----$/.exec(pem);
  return match?.[2] === undefined ? undefined : Buffer.from(match[2].replace(/\s/g, ''), 'base64');
}

/** Whether DER bytes are an X.509 certificate or SubjectPublicKeyInfo with an ECC P-256 key. */
function isP256(der: Buffer): boolean {
  try {
    const key = (() => {
      try {
        return new X509Certificate(der).publicKey;
      } catch {
        return createPublicKey({ key: der, format: 'der', type: 'spki' });
      }
    })();
    return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
  } catch {
    return false;
  }
}

const certificateField = z.string().transform((text, ctx) => {
  const der = certificateOrKeyDer(text);
  if (der === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: 'is not an ECC P-256 certificate or public key (PEM, or base64 of the DER bytes).',
    });
    return z.NEVER;
  }
  return der;
});

/** One row, as the issuing system exports it. */
const importRowSchema = z
  .object({
    cardId: cardIdSchema,
    holderName: holderNameSchema,
    // Empty (a CSV cell) or null: none; the holder needs one or the other.
    email: holderEmailOrNoneSchema,
    mobile: holderMobileOrNoneSchema.optional(),
    site: holderSiteSchema.optional(),
    pivAuthentication: certificateField,
    cardAuthentication: certificateField,
    puk: pukSchema,
  })
  .strict()
  .refine((row) => row.email !== null || typeof row.mobile === 'string', {
    message: 'is empty, and so is mobile: a holder needs an email address or a mobile number.',
    path: ['email'],
  });

/** Checks rows (with their lines) and returns the cards, or every issue. */
function checkRows(
  rows: readonly { readonly line: number; readonly value: unknown }[],
): Result<CardImport[], ImportIssue[]> {
  const issues: ImportIssue[] = [];
  const cards: CardImport[] = [];
  const seen = new Map<string, number>();
  for (const { line, value } of rows) {
    const parsed = importRowSchema.safeParse(value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const unknown = issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : undefined;
        issues.push({
          line,
          field: unknown ?? (issue.path.map(String).join('.') || undefined),
          message: unknown !== undefined ? 'is not a known field.' : issue.message,
        });
      }
      continue;
    }
    const first = seen.get(parsed.data.cardId);
    if (first !== undefined) {
      issues.push({ line, field: 'cardId', message: `repeats the card on line ${first}.` });
      continue;
    }
    seen.set(parsed.data.cardId, line);
    cards.push({
      cardId: parsed.data.cardId,
      holderName: parsed.data.holderName,
      email: parsed.data.email,
      ...(parsed.data.mobile === undefined ? {} : { mobile: parsed.data.mobile }),
      ...(parsed.data.site === undefined ? {} : { site: parsed.data.site }),
      pivAuthentication: parsed.data.pivAuthentication,
      cardAuthentication: parsed.data.cardAuthentication,
      puk: parsed.data.puk,
    });
  }
  if (issues.length > 0) return err(issues);
  if (cards.length === 0) return err([{ line: 1, message: 'The file holds no cards.' }]);
  return ok(cards);
}

/** The line a CSV record starts on, from csv-parse's end line and the raw record text. */
function csvStartLine(endLine: number, raw: string): number {
  const record = raw.replace(/^(?:[ \t]*\n)+/, '').replace(/\n$/, '');
  return endLine - (record.match(/\n/g)?.length ?? 0);
}

/** Parses CSV with a header row naming the fields (any order). */
export function parseImportCsv(text: string): Result<CardImport[], ImportIssue[]> {
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const header = firstLine.split(',').map((h) => h.trim().replace(/^"|"$/g, ''));
  const known: readonly string[] = [...IMPORT_FIELDS, ...OPTIONAL_FIELDS];
  const unknown = header.filter((h) => !known.includes(h));
  const missing = IMPORT_FIELDS.filter((f) => !header.includes(f));
  if (unknown.length > 0 || missing.length > 0) {
    return err([
      {
        line: 1,
        message: [
          unknown.length > 0 ? `unknown columns: ${unknown.join(', ')}.` : '',
          missing.length > 0 ? `missing columns: ${missing.join(', ')}.` : '',
          `The header row must name ${IMPORT_FIELDS.join(', ')}, and may name ${OPTIONAL_FIELDS.join(', ')}.`,
        ]
          .filter(Boolean)
          .join(' '),
      },
    ]);
  }
  let records: { record: Record<string, string>; raw: string; info: { lines: number } }[];
  try {
    // csv-parse counts a CRLF inside a quoted field as two lines; with LF alone every line
    // number is right. A CR/LF in a name is refused all the same (as the LF, \x0a).
    const parsed: unknown = parseCsv(text.replace(/\r\n/g, '\n'), {
      columns: true,
      info: true,
      raw: true,
      skip_empty_lines: true,
      trim: true,
      bom: true,
    });
    records = parsed as typeof records;
  } catch (error) {
    const e = error as { lines?: number; message: string };
    return err([{ line: e.lines ?? 1, message: e.message.replace(/^[^:]*: /, '') }]);
  }
  return checkRows(
    records.map((r) => ({ line: csvStartLine(r.info.lines, r.raw), value: r.record })),
  );
}

/** The line on which each element of a top-level JSON array starts. */
export function arrayElementLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let expectElement = false;
  for (const ch of text) {
    if (ch === '\n') line += 1;
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') inString = false;
      continue;
    }
    if (depth === 1 && expectElement && !/\s/.test(ch) && ch !== ']') {
      lines.push(line);
      expectElement = false;
    }
    if (ch === '"') inString = true;
    else if (ch === '[' || ch === '{') {
      depth += 1;
      if (depth === 1) expectElement = true;
    } else if (ch === ']' || ch === '}') depth -= 1;
    else if (ch === ',' && depth === 1) expectElement = true;
  }
  return lines;
}

/** Parses a JSON array of card objects. */
export function parseImportJson(text: string): Result<CardImport[], ImportIssue[]> {
  if (jsonTextExceedsLimits(text, FILE_JSON_LIMITS)) {
    return err([
      { line: 1, message: `The file nests deeper than ${FILE_JSON_LIMITS.maxDepth} levels.` },
    ]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return err([{ line: 1, message: `The file is not valid JSON: ${(error as Error).message}` }]);
  }
  if (!Array.isArray(value)) {
    return err([{ line: 1, message: 'The file must hold a JSON array of cards.' }]);
  }
  const lines = arrayElementLines(text);
  return checkRows(value.map((item: unknown, i) => ({ line: lines[i] ?? 1, value: item })));
}

/** Parses a file by its format: `csv` or `json` (from the option, else the file name). */
export function parseImportFile(
  text: string,
  format: 'csv' | 'json',
): Result<CardImport[], ImportIssue[]> {
  return format === 'csv' ? parseImportCsv(text) : parseImportJson(text);
}
