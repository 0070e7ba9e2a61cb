import type { UnblockAuthorisation } from '../../../../src/shared/http-api';
import { ok } from '../../../../src/shared/result';
import { audit, refuse } from '../../refusal';
import { utcDay } from '../../time';
import type { Step } from '../step';
import { whyRefused } from '../why-refused';
import { authorise, releaseAgain } from './puk-rotation';

/** Thrown inside the release's unit of work to roll it back; never escapes this module. */
class ReleaseRefused extends Error {
  constructor(readonly reason: 'daily-cap' | 'not-verified') {
    super(reason);
  }
}

/**
 * Unlock's unblock: releases the PUK once per verified attempt (capped per card per day) and
 * starts a crash-safe rotation (docs/decisions/0006); a release already made is given again.
 */
export const unblock: Step<undefined, UnblockAuthorisation> = {
  action: 'puk-release',
  async run({ deps, ctx, attempt, base }) {
    const { attemptId, cardId } = attempt;
    const { policy } = deps;
    const now = deps.now();
    const nowIso = now.toISOString();
    // A release this attempt already has is given again (its answer was lost on the way),
    // counted once: the card still holds one of the two PUKs it names.
    const giveAgain = async () => {
      const again = await releaseAgain(deps, attemptId);
      if (again === undefined) {
        return refuse(deps, ctx, { ...base, detail: 'release-superseded' }, 'ATTEMPT_STATE');
      }
      await audit(deps, ctx, { ...base, outcome: 'ok', detail: 'released-again' });
      return ok(again);
    };
    if (attempt.state === 'authorised' && attempt.pukReleasedAt !== null) return giveAgain();
    if (attempt.state !== 'verified') return refuse(deps, ctx, base, 'ATTEMPT_STATE');
    // One unit of work: the daily count, the release, the pending PUK, the attempt's rotation
    // and the audit row commit together or not at all, so a lost answer can be fetched again.
    try {
      const authorisation = await deps.unitOfWork.run(async (repos) => {
        const max = policy.puk.maxReleasesPerDay;
        const count = await repos.cards.reserveRelease(cardId, utcDay(now), max, nowIso);
        if (count === undefined) throw new ReleaseRefused('daily-cap');
        const maxFailures = policy.answers.maxWrongSubmissions;
        if (!(await repos.attempts.releasePuk(attemptId, nowIso, maxFailures))) {
          throw new ReleaseRefused('not-verified');
        }
        const released = await authorise(deps, repos, cardId, nowIso);
        await repos.attempts.recordRotation(attemptId, cardId, released.rotationRef, nowIso);
        const rotation = released.authorisation.unconfirmedPuk === null ? 'new' : 'resumed';
        const via = attempt.approvedAt === null ? '' : ';via=desk';
        const detail = `releasesToday=${count};rotation=${rotation}${via}`;
        await audit(deps, ctx, { ...base, outcome: 'ok', detail }, repos.audit);
        return released.authorisation;
      });
      return ok(authorisation);
    } catch (e) {
      if (!(e instanceof ReleaseRefused)) throw e;
      // A retry that overlapped the first request (it read the attempt before that committed)
      // finds the release made: it gets it again, and must not end or count anything.
      const current = await deps.repos.attempts.find(attemptId, 'unlock');
      if (current?.state === 'authorised' && current.pukReleasedAt !== null) return giveAgain();
      if (e.reason === 'daily-cap') {
        await deps.repos.attempts.end(attemptId, 'puk-release-limit', nowIso, ['verified']);
        return refuse(deps, ctx, base, 'PUK_RELEASE_LIMIT');
      }
      return refuse(deps, ctx, base, await whyRefused(deps, 'unlock', cardId, attemptId, nowIso));
    }
  },
};
