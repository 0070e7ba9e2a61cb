import { fail } from './refusal';
import { withoutHiddenCharacters } from '../../src/shared/hidden-characters';
import { ok } from '../../src/shared/result';
import type { DomainResult } from './ports';

/**
 * Who did an admin action (`--actor`, else the sudo or login name), as the audit trail stores and
 * prints it: one printable line, so it can neither forge a second audit row nor colour a terminal.
 */
export const adminActorSchema = withoutHiddenCharacters
  .trim()
  .min(1, 'is empty.')
  .max(100, 'is longer than 100 characters.');

/** The audit trail's source for an admin action, or VALIDATION_FAILED (field `actor`). */
export function adminSource(
  actor: string,
): DomainResult<{ readonly sourceAddress: string; readonly requestId: null }> {
  const parsed = adminActorSchema.safeParse(actor);
  if (!parsed.success) return fail('VALIDATION_FAILED', { field: 'actor' });
  return ok({ sourceAddress: `admin:${parsed.data}`, requestId: null });
}
