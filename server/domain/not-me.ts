import { err, ok, type Result } from '../../src/shared/result';
import { FREEZE_REASON } from './card-lock';
import type { DomainDeps } from './deps';
import type { NotMeOutcome, NotMeService } from './ports';
import { audit, fail, refuse } from './refusal';
import type { NotMeClaim } from './security-ports';

/** The audit action of a report: the holder acts, from wherever they read the notice. */
export const NOT_ME_ACTION = 'holder.not-me';

/** Why a link cannot be used, and what each refusal counts as. */
const REFUSALS = {
  NOT_ME_LINK_INVALID: 'invalid',
  NOT_ME_LINK_EXPIRED: 'expired',
  NOT_ME_ALREADY_REPORTED: 'already-reported',
} as const satisfies Record<string, NotMeOutcome>;

type Refusal = keyof typeof REFUSALS;

/** The audit line of a report about this claim. */
const auditLine = (claim: NotMeClaim) => ({
  cardId: claim.cardId,
  attemptId: claim.attemptId,
  action: NOT_ME_ACTION,
  detail: `unlockedAt=${claim.unlockedAt.toISOString()}`,
});

/**
 * The "This wasn't me" link (docs/security-model.md): a signed token naming a card's unlock. Its
 * page only reads; its button freezes the card's self-service unlock, once per unlock, audited.
 */
export function createNotMeService(deps: DomainDeps): NotMeService {
  /** The token's claim, or why the link cannot be used: not ours, reported already, expired. */
  async function read(
    token: string,
  ): Promise<Result<NotMeClaim, { code: Refusal; claim?: NotMeClaim }>> {
    const claim = deps.notMeTokens.read(token);
    // A signature of ours on a card we no longer hold is as good as none.
    if (claim === undefined || (await deps.repos.cards.find(claim.cardId)) === undefined) {
      return err({ code: 'NOT_ME_LINK_INVALID' });
    }
    // Reported first: an old link's holder is better told it was done than that it expired.
    if ((await deps.repos.notMeReports.reportedAt(claim.attemptId)) !== undefined) {
      return err({ code: 'NOT_ME_ALREADY_REPORTED', claim });
    }
    const validMs = deps.policy.notMeLink.validDays * 86_400_000;
    if (claim.unlockedAt.getTime() + validMs <= deps.now().getTime()) {
      return err({ code: 'NOT_ME_LINK_EXPIRED', claim });
    }
    return ok(claim);
  }

  return {
    async check(token) {
      const r = await read(token);
      return r.ok ? ok({ unlockedAt: r.value.unlockedAt.toISOString() }) : fail(r.error.code);
    },

    async report(token, ctx) {
      const r = await read(token);
      if (!r.ok) {
        const { code, claim } = r.error;
        deps.events.notMeReported(REFUSALS[code]);
        // A link of ours used late or again is audited (the desk may want to know); a link that
        // is not ours names nothing trustworthy, and is only counted.
        return claim === undefined ? fail(code) : refuse(deps, ctx, auditLine(claim), code);
      }
      const claim = r.value;
      const now = deps.now().toISOString();
      // One transaction: the link's use (the database lets one report per unlock in), the
      // freeze and the audit row commit together, so a link is never spent without freezing.
      const frozen = await deps.unitOfWork.run(async (repos) => {
        const reported = await repos.notMeReports.record({
          cardId: claim.cardId,
          attemptId: claim.attemptId,
          unlockedAt: claim.unlockedAt.toISOString(),
          reportedAt: now,
        });
        if (!reported) return undefined;
        const newly = await repos.cards.freeze(claim.cardId, FREEZE_REASON.notMe, now);
        const line = auditLine(claim);
        const detail = `${line.detail};frozen=${newly ? 'now' : 'already'}`;
        await audit(deps, ctx, { ...line, outcome: 'ok', detail }, repos.audit);
        return newly;
      });
      if (frozen === undefined) {
        // Another request used the link between the read and the transaction.
        deps.events.notMeReported('already-reported');
        return refuse(deps, ctx, auditLine(claim), 'NOT_ME_ALREADY_REPORTED');
      }
      deps.events.notMeReported('frozen');
      deps.logger.warn(
        { cardId: claim.cardId, attemptId: claim.attemptId, alreadyFrozen: !frozen },
        'a holder reported an unlock that was not them: self-service unlock is frozen for the card',
      );
      return ok({ unlockedAt: claim.unlockedAt.toISOString() });
    },
  };
}
