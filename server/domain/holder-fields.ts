import { z } from 'zod';
import { withoutHiddenCharacters } from '../../src/shared/hidden-characters';
import { EMAIL_MAX_LENGTH, HOLDER_NAME_MAX_LENGTH } from '../../src/shared/limits';
import { ukMobileNumberSchema } from '../../src/shared/phone-number';

/** A holder's name as imported, enrolled or stored: the one rule for every way in. */
export const holderNameSchema = withoutHiddenCharacters
  .trim()
  .min(1, 'is empty.')
  .max(HOLDER_NAME_MAX_LENGTH);

/** A holder's email address as imported, enrolled or stored. */
export const holderEmailSchema = withoutHiddenCharacters
  .trim()
  .pipe(z.email('is not an email address.').max(EMAIL_MAX_LENGTH));

/** A holder's mobile as imported or enrolled: a UK mobile, normalised to E.164 (+447700900123). */
export const holderMobileSchema = ukMobileNumberSchema;

/** The longest site or organisation name an import may give. */
const SITE_MAX_LENGTH = 100;

/** A holder's site or organisation as imported: one line, trimmed; empty (a CSV cell) or null for none. */
export const holderSiteSchema = z
  .union([z.null(), withoutHiddenCharacters])
  .transform((text) => (text === null || text.trim() === '' ? null : text.trim()))
  .refine(
    (site) => site === null || site.length <= SITE_MAX_LENGTH,
    `is longer than ${SITE_MAX_LENGTH} characters.`,
  );

/** A value checked by `schema`, or none: empty (a CSV cell, a cleared form field) or null. */
function orNone<T>(schema: z.ZodType<T, string>) {
  return z.union([z.null(), z.string()]).transform((text, ctx): T | null => {
    if (text === null || text.trim() === '') return null;
    const parsed = schema.safeParse(text);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues)
      ctx.addIssue({ code: 'custom', message: issue.message });
    return z.NEVER;
  });
}

/** An email address, or none (empty or null). */
export const holderEmailOrNoneSchema = orNone(holderEmailSchema);

/** A UK mobile as people type it, made E.164, or none (empty or null). */
export const holderMobileOrNoneSchema = orNone(holderMobileSchema);
