import { ok } from '../../../../src/shared/result';
import type { OutcomeRequest } from '../../ports';
import { audit, refuse } from '../../refusal';
import { rotationRefOf } from '../../rotation-ref';
import { sendNotice } from '../code-send';
import { holderContacts } from '../../delivery-channel';
import type { Step } from '../step';

/**
 * Unlock's outcome: what the card now holds. It ends the attempt (single use), then commits or
 * drops the rotation this attempt released; an unlock clears the card's failures and is notified.
 */
export const outcomeReport: Step<OutcomeRequest, void> = {
  action: 'outcome',
  async run({ deps, ctx, attempt, base }, outcome) {
    const { attempts, cards } = deps.repos;
    const now = deps.now();
    const nowIso = now.toISOString();
    const cardBefore = await cards.find(attempt.cardId);
    // Ending the attempt first makes the outcome single use; if the server stops before the
    // rotation is committed, the pending PUK stays pending and the next visit resumes it.
    const ended = `outcome-${outcome.outcome}`;
    if (
      cardBefore === undefined ||
      !(await attempts.end(attempt.attemptId, ended, nowIso, ['authorised']))
    ) {
      return refuse(deps, ctx, base, 'ATTEMPT_STATE');
    }
    // Only the rotation this attempt released may be committed or dropped by its outcome.
    const pending =
      cardBefore.pendingPuk !== null && rotationRefOf(cardBefore.pendingPuk) === attempt.rotationRef
        ? cardBefore.pendingPuk
        : null;
    let rotation: string = pending === null ? 'not-pending' : 'kept-pending';
    if (pending !== null && outcome.pukOnCard === 'next') {
      rotation = (await cards.commitPendingPuk(cardBefore.cardId, pending, nowIso))
        ? 'committed'
        : 'already-committed';
    } else if (pending !== null && outcome.pukOnCard === 'previous') {
      await cards.discardPendingPuk(cardBefore.cardId, pending, nowIso);
      rotation = 'discarded';
    }
    const reason = outcome.purpose ?? 'unlock';
    if (outcome.outcome === 'unlocked') {
      await cards.recordUnlock(cardBefore.cardId, nowIso);
      // One link for the whole notice: reported from any contact, it is used for all of them.
      const { notMeLink } = deps.policy;
      const notMe = notMeLink.enabled
        ? {
            token: deps.notMeTokens.issue({
              cardId: cardBefore.cardId,
              attemptId: attempt.attemptId,
              unlockedAt: now,
            }),
            validDays: notMeLink.validDays,
          }
        : undefined;
      // Every contact is told, so a holder whose phone (or mailbox) someone else used still hears.
      for (const to of holderContacts(deps.channels, cardBefore)) {
        sendNotice(deps, attempt.attemptId, {
          ...to,
          purpose: 'unlocked-notice',
          holderName: cardBefore.holderName,
          at: now,
          reason,
          ...(notMe === undefined ? {} : { notMe }),
        });
      }
    }
    const failureCode =
      outcome.failureCode === undefined
        ? ''
        : `;failureCode=${outcome.failureCode.replace(/[^A-Za-z0-9_-]/g, '')}`;
    await audit(deps, ctx, {
      ...base,
      outcome: outcome.outcome === 'unlocked' ? 'ok' : 'failed',
      detail: `pukOnCard=${outcome.pukOnCard};rotation=${rotation}${failureCode}${reason === 'forgotten' ? ';purpose=forgotten' : ''}${attempt.approvedAt === null ? '' : ';via=desk'}`,
    });
    return ok(undefined);
  },
};
