import type { ApprovalIssued, ApprovalStatus } from '../../../../src/shared/http-api';
import { ok } from '../../../../src/shared/result';
import { generateReference } from '../../../security/assisted-reference';
import type { DomainDeps } from '../../deps';
import type { DomainResult } from '../../ports';
import { audit, fail, refuse } from '../../refusal';
import type { AttemptRecord, CardRecord } from '../../repository-ports';
import { isoAfter, utcDay } from '../../time';
import type { Step, StepRun } from '../step';
import { whyRefused } from '../why-refused';
import { refuseExpiredCertificate } from './proof';

// The holder's side of the assisted unlock (docs/decisions/0025-assisted-unlock.md): a reference
// for the desk, and the app's question whether the desk has approved it.

/** Whether an attempt waits for the desk: it may still be approved under its latest reference. */
const awaitsDesk = (a: AttemptRecord, now: string): boolean =>
  (a.state === 'proved' || a.state === 'answered') &&
  a.approvedAt === null &&
  a.approvalExpiresAt !== null &&
  a.approvalExpiresAt > now &&
  a.expiresAt > now;

/**
 * A fresh reference and its hash, drawn again while another attempt waiting for the desk has the
 * same one (a lookup must find one attempt); five draws make a repeat vanishingly unlikely.
 */
async function freshReference(
  deps: DomainDeps,
  attemptId: string,
  now: string,
): Promise<{ readonly reference: string; readonly refHash: string }> {
  let drawn = { reference: '', refHash: '' };
  for (let draw = 0; draw < 5; draw++) {
    const reference = generateReference();
    drawn = { reference, refHash: deps.referenceHasher.hash(reference) };
    const holders = await deps.repos.attempts.findByApprovalRef(drawn.refHash);
    if (!holders.some((a) => a.attemptId !== attemptId && awaitsDesk(a, now))) return drawn;
  }
  return drawn;
}

/** Why the desk could not help this card now (frozen, certificate expired, capped), or undefined. */
async function cardRefusal(s: StepRun, card: CardRecord): Promise<DomainResult<never> | undefined> {
  const { deps, ctx, attempt, base } = s;
  const now = deps.now();
  const end = (reason: string) =>
    deps.repos.attempts.end(attempt.attemptId, reason, now.toISOString());
  if (card.frozen !== null) {
    await end('self-service-frozen');
    return refuse(deps, ctx, base, 'SELF_SERVICE_FROZEN');
  }
  const expired = await refuseExpiredCertificate(s, card);
  if (expired !== undefined) return expired;
  const releases = await deps.repos.cards.pukReleasesOn(card.cardId, utcDay(now));
  if (releases >= deps.policy.puk.maxReleasesPerDay) {
    await end('puk-release-limit');
    return refuse(deps, ctx, base, 'PUK_RELEASE_LIMIT');
  }
  return undefined;
}

/**
 * The holder asks the desk to approve this attempt (after the card's proof, instead of answers and
 * a code, or when self-service refused it): a reference to read aloud, replacing any before it.
 */
export const unlockApproval: Step<undefined, ApprovalIssued> = {
  action: 'approval',
  async run(s) {
    const { deps, ctx, attempt, base } = s;
    const rules = deps.policy.assisted;
    if (!rules.enabled) return refuse(deps, ctx, base, 'NOT_FOUND');
    if (attempt.state !== 'proved' && attempt.state !== 'answered') {
      return refuse(deps, ctx, base, 'ATTEMPT_STATE');
    }
    const card = await deps.repos.cards.find(attempt.cardId);
    if (card === undefined) return fail('CARD_UNKNOWN');
    const refused = await cardRefusal(s, card);
    if (refused !== undefined) return refused;
    const max = rules.maxReferencesPerAttempt;
    if (attempt.approvalRequests >= max) return refuse(deps, ctx, base, 'APPROVAL_LIMIT');
    const now = deps.now();
    const nowIso = now.toISOString();
    const { reference, refHash } = await freshReference(deps, attempt.attemptId, nowIso);
    const until = isoAfter(now, rules.referenceValidSeconds);
    // Never past the attempt's own end: the desk cannot approve an attempt that has ended.
    const expiresAt = until < attempt.expiresAt ? until : attempt.expiresAt;
    const issued = await deps.repos.attempts.issueApproval(
      attempt.attemptId,
      refHash,
      expiresAt,
      max,
      nowIso,
    );
    if (issued === undefined) {
      // Another request took the last reference, or the attempt moved on or ended meanwhile.
      const current = await deps.repos.attempts.find(attempt.attemptId, 'unlock');
      if (current !== undefined && current.approvalRequests >= max) {
        return refuse(deps, ctx, base, 'APPROVAL_LIMIT');
      }
      return refuse(
        deps,
        ctx,
        base,
        await whyRefused(deps, 'unlock', card.cardId, attempt.attemptId, nowIso),
      );
    }
    await audit(deps, ctx, { ...base, outcome: 'ok', detail: `reference=${issued}` });
    return ok({
      reference,
      expiresAt,
      pollAfterSeconds: rules.pollSeconds,
      referencesLeft: max - issued,
    });
  },
};

/**
 * The app's question whether the desk has approved the latest reference. Asked every few seconds,
 * so only a refusal is audited: an answer changes nothing.
 */
export const unlockApprovalStatus: Step<undefined, ApprovalStatus> = {
  action: 'approval-status',
  async run({ deps, ctx, attempt, base }) {
    const card = await deps.repos.cards.find(attempt.cardId);
    if (card === undefined) return fail('CARD_UNKNOWN');
    if (attempt.approvedAt !== null) return ok({ status: 'approved', holderName: card.holderName });
    const { approvalExpiresAt } = attempt;
    if (
      approvalExpiresAt === null ||
      (attempt.state !== 'proved' && attempt.state !== 'answered')
    ) {
      return refuse(deps, ctx, base, 'ATTEMPT_STATE');
    }
    const now = deps.now().toISOString();
    if (card.frozen !== null) {
      await deps.repos.attempts.end(attempt.attemptId, 'self-service-frozen', now);
      return refuse(deps, ctx, base, 'SELF_SERVICE_FROZEN');
    }
    const rules = deps.policy.assisted;
    if (approvalExpiresAt <= now) {
      const left = Math.max(0, rules.maxReferencesPerAttempt - attempt.approvalRequests);
      return ok({ status: 'expired', referencesLeft: left });
    }
    return ok({
      status: 'pending',
      expiresAt: approvalExpiresAt,
      pollAfterSeconds: rules.pollSeconds,
    });
  },
};
