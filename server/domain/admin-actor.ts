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

/** Who acts on a holder's card: IT at the admin CLI, or an operator signed in to the console. */
export interface Operator {
  readonly via: 'admin' | 'console';
  /** The `--actor`, or the console's signed-in identity: one line, at most 100 characters. */
  readonly name: string;
  /** The console request's id, for the log; the CLI has none. */
  readonly requestId?: string;
}

/** The audit trail's source for an operator (`admin:alice`, `console:alice`), or VALIDATION_FAILED. */
export function operatorSource(
  operator: Operator,
): DomainResult<{ readonly sourceAddress: string; readonly requestId: string | null }> {
  const parsed = adminActorSchema.safeParse(operator.name);
  if (!parsed.success) return fail('VALIDATION_FAILED', { field: 'actor' });
  return ok({
    sourceAddress: `${operator.via}:${parsed.data}`,
    requestId: operator.requestId ?? null,
  });
}

/** The audit trail's source for an admin CLI action, or VALIDATION_FAILED (field `actor`). */
export const adminSource = (actor: string) => operatorSource({ via: 'admin', name: actor });
