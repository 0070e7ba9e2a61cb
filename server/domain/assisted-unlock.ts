import { err, ok, type Result } from '../../src/shared/result';
import { normaliseReference } from '../security/assisted-reference';
import { operatorSource } from './admin-actor';
import type {
  AssistedRefusal,
  AssistedRefusalCode,
  AssistedUnlockApproved,
  AssistedUnlockDesk,
  AssistedUnlockFound,
  AssistedUnlockLookup,
  AssistedUnlockRequest,
} from './assisted-unlock-ports';
import { isLocked } from './card-lock';
import type { DomainDeps } from './deps';
import { operatorReasonSchema } from './desk/holder-actions';
import { audit } from './refusal';
import type { AttemptRecord } from './repository-ports';
import { isoAfter, utcDay } from './time';
import { deskRefusal, whyEnded } from './assisted-refusals';

/** The audit action of the desk's approval: the reports count an unlock whose attempt has one. */
export const DESK_APPROVAL_ACTION = 'unlock.desk-approval';

/** The audit action of a lookup by the desk: written only when the reference names nothing. */
const DESK_LOOKUP_ACTION = 'unlock.desk-lookup';

/** The refusals that count as a miss: a reference typed that names no attempt. */
const MISSES: readonly AssistedRefusalCode[] = ['REFERENCE_MALFORMED', 'REFERENCE_UNKNOWN'];

/**
 * Whether this operator has typed the most references naming nothing that a reference's life
 * allows: guessing one then waits (docs/decisions/0025-assisted-unlock.md, "The reference").
 */
async function tooManyMisses(deps: DomainDeps, sourceAddress: string): Promise<boolean> {
  const { referenceValidSeconds, maxMissesPerOperator } = deps.policy.assisted;
  const since = isoAfter(deps.now(), -referenceValidSeconds);
  const actions = [DESK_APPROVAL_ACTION, DESK_LOOKUP_ACTION];
  const misses = await deps.repos.audit.count({ actions, outcomes: MISSES, sourceAddress, since });
  return misses >= maxMissesPerOperator;
}

/** The refusal of an operator who has missed too often lately. */
const missedTooOften = (deps: DomainDeps): AssistedRefusal =>
  deskRefusal.misses(
    deps.policy.assisted.maxMissesPerOperator,
    deps.policy.assisted.referenceValidSeconds,
  );

/** The attempt a reference names, with what the approval's one statement needs. */
interface Located {
  readonly found: AssistedUnlockFound;
  readonly attempt: AttemptRecord;
  readonly refHash: string;
}

/** A refusal, and the attempt it is about when the reference named one. */
type NotLocated = { readonly refusal: AssistedRefusal; readonly attempt?: AttemptRecord };

/**
 * Finds the attempt a typed reference names and says precisely why it cannot be approved: not a
 * reference, none such, used, ended, expired, a frozen card, today's cap reached.
 */
async function locate(deps: DomainDeps, typed: string): Promise<Result<Located, NotLocated>> {
  const reference = normaliseReference(typed);
  if (reference === undefined) return err({ refusal: deskRefusal.malformed(typed) });
  const refHash = deps.referenceHasher.hash(reference);
  const now = deps.now().toISOString();
  const named = await deps.repos.attempts.findByApprovalRef(refHash);
  // Normally one; should two ever share it, the one still waiting for the desk is meant.
  const attempt =
    named.find((a) => a.approvedAt === null && a.state !== 'ended' && a.expiresAt > now) ??
    named[0];
  if (attempt === undefined) return err({ refusal: deskRefusal.unknown(reference) });
  const refused = (refusal: AssistedRefusal) => err({ refusal, attempt });
  if (attempt.approvedAt !== null) {
    return refused(deskRefusal.used(reference, attempt.approvedAt, attempt.approvedBy));
  }
  const ended = whyEnded(attempt, now);
  if (ended !== undefined) return refused(deskRefusal.ended(reference, ended));
  const expiresAt = attempt.approvalExpiresAt ?? now;
  if (expiresAt <= now) return refused(deskRefusal.expired(reference, expiresAt));
  const card = await deps.repos.cards.find(attempt.cardId);
  if (card === undefined) return refused(deskRefusal.unknown(reference));
  if (card.frozen !== null) return refused(deskRefusal.frozen());
  const releases = await deps.repos.cards.pukReleasesOn(card.cardId, utcDay(deps.now()));
  if (releases >= deps.policy.puk.maxReleasesPerDay) return refused(deskRefusal.capped(releases));
  return ok({
    attempt,
    refHash,
    found: {
      reference,
      attemptId: attempt.attemptId,
      cardId: card.cardId,
      holderName: card.holderName,
      startedAt: attempt.createdAt,
      referenceExpiresAt: expiresAt,
      selfServiceLocked: isLocked(deps.policy, card),
    },
  });
}

/**
 * The attempt a reference names, for the desk to check the caller against; changes nothing. A
 * reference naming nothing is audited, and counts towards the operator's misses.
 */
async function findAssistedUnlock(
  deps: DomainDeps,
  lookup: AssistedUnlockLookup,
): Promise<Result<AssistedUnlockFound, AssistedRefusal>> {
  const source = operatorSource(lookup.operator);
  if (!source.ok) return err(deskRefusal.operator());
  if (!deps.policy.assisted.enabled) return err(deskRefusal.off());
  if (await tooManyMisses(deps, source.value.sourceAddress)) return err(missedTooOften(deps));
  const located = await locate(deps, lookup.reference);
  if (located.ok) return ok(located.value.found);
  const { refusal } = located.error;
  if (MISSES.includes(refusal.code)) {
    const line = { cardId: null, attemptId: null, action: DESK_LOOKUP_ACTION };
    await audit(deps, source.value, { ...line, outcome: refusal.code });
  }
  return err(refusal);
}

/** Who approves and why, as the audit trail takes them; the console must give a reason. */
function checkRequest(request: AssistedUnlockRequest) {
  const source = operatorSource(request.operator);
  if (!source.ok) return err(deskRefusal.operator());
  if (request.reason === undefined) {
    return request.operator.via === 'console'
      ? err(deskRefusal.reason())
      : ok({ source: source.value, reason: undefined });
  }
  const reason = operatorReasonSchema.safeParse(request.reason);
  return reason.success
    ? ok({ source: source.value, reason: reason.data })
    : err(deskRefusal.reason());
}

/**
 * The desk's approval of the attempt a caller's reference names, once the desk has checked them:
 * verified as after a right code, once per reference, audited with the operator either way. The
 * one function the console and the admin CLI call (ADR 0025).
 */
async function approveAssistedUnlock(
  deps: DomainDeps,
  request: AssistedUnlockRequest,
): Promise<Result<AssistedUnlockApproved, AssistedRefusal>> {
  const checked = checkRequest(request);
  if (!checked.ok) {
    deps.events.assistedApproval(checked.error.code);
    return checked;
  }
  const { source, reason } = checked.value;
  const because = reason === undefined ? {} : { detail: `reason=${reason}` };
  const refuse = async (refusal: AssistedRefusal, attempt?: AttemptRecord) => {
    const line = { cardId: attempt?.cardId ?? null, attemptId: attempt?.attemptId ?? null };
    await audit(deps, source, {
      ...line,
      action: DESK_APPROVAL_ACTION,
      outcome: refusal.code,
      ...because,
    });
    deps.events.assistedApproval(refusal.code);
    return err(refusal);
  };
  if (!deps.policy.assisted.enabled) return refuse(deskRefusal.off());
  if (await tooManyMisses(deps, source.sourceAddress)) return refuse(missedTooOften(deps));
  const located = await locate(deps, request.reference);
  if (!located.ok) return refuse(located.error.refusal, located.error.attempt);
  const { attempt, refHash, found } = located.value;
  const now = deps.now().toISOString();
  const approvedBy = source.sourceAddress;
  if (!(await deps.repos.attempts.approve(attempt.attemptId, refHash, approvedBy, now))) {
    // Another operator, the caller or the clock got there between the lookup and now.
    const again = await locate(deps, request.reference);
    const refusal = again.ok
      ? deskRefusal.ended(found.reference, 'it changed meanwhile')
      : again.error.refusal;
    return refuse(refusal, attempt);
  }
  const detail = `reference=${attempt.approvalRequests}${reason === undefined ? '' : `;reason=${reason}`}`;
  await audit(deps, source, {
    cardId: attempt.cardId,
    attemptId: attempt.attemptId,
    action: DESK_APPROVAL_ACTION,
    outcome: 'ok',
    detail,
  });
  deps.events.assistedApproval('approved');
  return ok({ ...found, approvedAt: now, approvedBy });
}

/** The desk's side of the assisted unlock, bound to the domain's ports. */
export function createAssistedUnlockDesk(deps: DomainDeps): AssistedUnlockDesk {
  return {
    find: (lookup) => findAssistedUnlock(deps, lookup),
    approve: (request) => approveAssistedUnlock(deps, request),
  };
}
