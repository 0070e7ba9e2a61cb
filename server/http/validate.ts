import type { RequestHandler } from 'express';
import type { z } from 'zod';
import { jsonTextExceedsLimits } from '../../src/shared/json-limits';
import { HttpFailure, validationFailure } from './http-failures';

/** A UTF-16 surrogate without its partner: text that is not well-formed Unicode. */
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether a string is well-formed Unicode (String.prototype.isWellFormed, before ES2024). */
export function isWellFormed(text: string): boolean {
  return !loneSurrogate.test(text);
}

/** A node of the walk below: its value and how to name its path, built only when reported. */
interface WalkNode {
  readonly value: unknown;
  readonly key: string | number | null;
  readonly parent: WalkNode | null;
}

/** The path of a walk node, from the root. */
function pathOf(node: WalkNode | null): (string | number)[] {
  const path: (string | number)[] = [];
  for (let at = node; at !== null && at.key !== null; at = at.parent) path.push(at.key);
  return path.reverse();
}

/**
 * The first string in a JSON value that is not well-formed Unicode (a lone surrogate), if any.
 * Iterative, linear in the value's size (no path is copied until one is reported), and run only
 * after the nesting cap: no walk over untrusted input recurses.
 */
export function findIllFormedString(value: unknown): string | undefined {
  const stack: WalkNode[] = [{ value, key: null, parent: null }];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    const item = node.value;
    if (typeof item === 'string') {
      if (!isWellFormed(item)) return fieldName(pathOf(node));
    } else if (Array.isArray(item)) {
      // Pushed in reverse so the first ill-formed string in document order is the one named.
      for (let i = item.length - 1; i >= 0; i -= 1) {
        stack.push({ value: item[i], key: i, parent: node });
      }
    } else if (typeof item === 'object' && item !== null) {
      const entries: [string, unknown][] = Object.entries(item);
      for (const [key] of entries) if (!isWellFormed(key)) return fieldName(pathOf(node));
      for (let i = entries.length - 1; i >= 0; i -= 1) {
        const [key, child] = entries[i]!;
        stack.push({ value: child, key, parent: node });
      }
    }
  }
  return undefined;
}

/** A JSON path as the error's `field`: `answers.0.answer`, or `body` for the whole body. */
function fieldName(path: readonly PropertyKey[]): string {
  return path.length === 0 ? 'body' : path.map(String).join('.');
}

/** The field a zod error points at; for unknown keys, the first unknown key. */
function fieldOfZodError(error: z.ZodError, root = 'body'): string {
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
  if (hasBody(req.headers) && (req.is('application/json') === false || !utf8(req.headers))) {
    next(new HttpFailure('VALIDATION_FAILED', 415, { field: 'content-type' }));
    return;
  }
  next();
};

/**
 * Whether a JSON body is UTF-8, the only encoding JSON may travel in (RFC 8259): in UTF-16 a
 * character's bytes can hold a quote, which would blind the one-pass limits scan.
 */
function utf8(headers: Readonly<Record<string, string | string[] | undefined>>): boolean {
  const type = headers['content-type'];
  const charset = typeof type === 'string' ? /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(type) : null;
  return charset?.[1] === undefined || /^utf-?8$/i.test(charset[1]);
}

/**
 * The JSON parser's `verify` hook: refuses a body past JSON_LIMITS (nesting, items in one array
 * or object) with 400 VALIDATION_FAILED (`body`) in one pass over its bytes, before any parse.
 */
export function refuseDeepJson(_req: unknown, _res: unknown, body: Uint8Array): void {
  if (jsonTextExceedsLimits(body)) throw validationFailure('body');
}
