import type { RequestHandler } from 'express';
import type { z } from 'zod';
import { HttpFailure, validationFailure } from './errors';

/** A UTF-16 surrogate without its partner: text that is not well-formed Unicode. */
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether a string is well-formed Unicode (String.prototype.isWellFormed, before ES2024). */
export function isWellFormed(text: string): boolean {
  return !loneSurrogate.test(text);
}

/** The first string in a JSON value that is not well-formed Unicode (a lone surrogate), if any. */
export function findIllFormedString(
  value: unknown,
  path: readonly (string | number)[] = [],
): string | undefined {
  if (typeof value === 'string') return isWellFormed(value) ? undefined : fieldName(path);
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = findIllFormedString(item, [...path, i]);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (!isWellFormed(key)) return fieldName(path);
      const found = findIllFormedString(item, [...path, key]);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** A JSON path as the error's `field`: `answers.0.answer`, or `body` for the whole body. */
export function fieldName(path: readonly PropertyKey[]): string {
  return path.length === 0 ? 'body' : path.map(String).join('.');
}

/** The field a zod error points at; for unknown keys, the first unknown key. */
export function fieldOfZodError(error: z.ZodError, root = 'body'): string {
  const issue = error.issues[0];
  if (issue === undefined) return root;
  if (issue.path.length === 0 && issue.code !== 'unrecognized_keys') return root;
  if (issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined) {
    return fieldName([...issue.path, issue.keys[0]]);
  }
  return fieldName(issue.path);
}

/**
 * Parses a value with a shared schema; a mismatch is a 400 VALIDATION_FAILED naming the field.
 * Ill-formed Unicode is refused first, so no lone surrogate reaches normalisation or storage.
 */
export function parseWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  root = 'body',
): z.output<S> {
  const illFormed = findIllFormedString(value);
  if (illFormed !== undefined) throw validationFailure(illFormed === 'body' ? root : illFormed);
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationFailure(fieldOfZodError(parsed.error, root));
  return parsed.data;
}

/** Whether a request carries a body (a length above zero, or chunked). */
function hasBody(headers: Readonly<Record<string, string | string[] | undefined>>): boolean {
  if (headers['transfer-encoding'] !== undefined) return true;
  const length = headers['content-length'];
  return typeof length === 'string' && length !== '0';
}

/**
 * Refuses a body that is not JSON with 415 before any parser runs; bodiless requests pass. The
 * API is JSON only, so a form or text body is a client mistake, not something to guess at.
 */
export const requireJsonBody: RequestHandler = (req, _res, next) => {
  if (hasBody(req.headers) && req.is('application/json') === false) {
    next(new HttpFailure('VALIDATION_FAILED', 415, { field: 'content-type' }));
    return;
  }
  next();
};
