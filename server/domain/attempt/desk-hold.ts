import type { ErrorCode } from '../../../src/shared/errors';
import { REFUSAL_END_REASON } from '../card-lock';
import type { DomainResult } from '../ports';
import { refuse } from '../refusal';
import type { StepRun } from './step';

/** A self-service refusal of an unlock, and the end reason its attempt is given when it ends. */
const END_REASON = {
  ...REFUSAL_END_REASON,
  CARD_NOT_REGISTERED: 'not-registered',
  NO_CONTACT: 'no-contact',
} as const satisfies Partial<Record<ErrorCode, string>>;

/** A refusal of self-service that may keep its attempt for the desk. */
export type SelfServiceRefusal = keyof typeof END_REASON;

/**
 * Refusals the desk's approval answers: it checks the caller instead of the answers and the code.
 * A freeze is not among them: the desk lifts it first, after checking (ADR 0025).
 */
const DESK_ANSWERS: ReadonlySet<SelfServiceRefusal> = new Set([
  'SELF_SERVICE_LOCKED',
  'CARD_NOT_REGISTERED',
  'NO_CONTACT',
]);

/**
 * Refuses an unlock's self-service step with `code`. While the assisted unlock is on and the desk
 * can answer it, the attempt is kept for the approval step and the details say so; otherwise the
 * attempt ends, as before.
 */
export async function refuseSelfService(
  { deps, ctx, attempt, base }: StepRun,
  code: SelfServiceRefusal,
  detail?: string,
): Promise<DomainResult<never>> {
  const line = detail === undefined ? base : { ...base, detail };
  // The audit row is the same either way: the reports match its detail exactly.
  if (deps.policy.assisted.enabled && DESK_ANSWERS.has(code)) {
    return refuse(deps, ctx, line, code, { assistedUnlock: true });
  }
  await deps.repos.attempts.end(attempt.attemptId, END_REASON[code], deps.now().toISOString());
  return refuse(deps, ctx, line, code);
}
