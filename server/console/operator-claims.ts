import { z } from 'zod';
import { withoutHiddenCharacters } from '../../src/shared/hidden-characters';
import { err, ok, type Result } from '../../src/shared/result';
import type { Operator, OperatorRole } from './console-page';
import type { ConsoleSettings } from './console-settings';

/**
 * The operator a provider's claims describe: the role from the configured claim (a string or a
 * list, as Entra ID's app roles come), the name to show, and the audit trail's actor id.
 */

const text = withoutHiddenCharacters.trim().min(1).max(100);

/** The claims the console reads; the provider may send many more. */
const claimsSchema = z.looseObject({
  sub: withoutHiddenCharacters.min(1).max(255),
  name: text.optional().catch(undefined),
  preferred_username: text.optional().catch(undefined),
  email: text.optional().catch(undefined),
});

/** Why the claims name no operator of the console. */
interface NoOperator {
  readonly reason: 'no-role' | 'bad-claims';
  /** Who it was, when the claims say: for the audit row of a refused sign-in. */
  readonly actor: string | undefined;
}

/** The role the claim's values give; an RA manager's value wins over the desk's. */
function roleOf(value: unknown, settings: ConsoleSettings): OperatorRole | undefined {
  const values = Array.isArray(value) ? value : typeof value === 'string' ? value.split(' ') : [];
  if (values.includes(settings.raRole)) return 'ra';
  if (values.includes(settings.deskRole)) return 'desk';
  return undefined;
}

/** The operator, or why there is none. */
export function operatorFromClaims(
  claims: Readonly<Record<string, unknown>>,
  settings: ConsoleSettings,
): Result<Operator, NoOperator> {
  const parsed = claimsSchema.safeParse(claims);
  if (!parsed.success) return err({ reason: 'bad-claims', actor: undefined });
  const c = parsed.data;
  const username = c.preferred_username ?? c.email ?? c.sub;
  const id = `console:${username}`;
  const role = roleOf(claims[settings.roleClaim], settings);
  if (role === undefined) return err({ reason: 'no-role', actor: id });
  return ok({ id, name: c.name ?? username, role });
}
