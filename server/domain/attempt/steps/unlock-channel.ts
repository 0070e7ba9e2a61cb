import type { CodeDelivery } from '../../../../src/shared/http-api';
import { selfServiceRefusal } from '../../card-lock';
import { holderContacts } from '../../delivery-channel';
import type { DeliveryChannel } from '../../delivery-port';
import { audit, fail, refuse } from '../../refusal';
import { sendCode } from '../code-send';
import { refuseSelfService } from '../desk-hold';
import type { Step } from '../step';
import { whyRefused } from '../why-refused';

/**
 * Unlock's channel: sends a code to the contact the holder chose. Under code-only it is the step
 * after the proof and moves the attempt to answered; after that (or after the answers) it sends
 * the first code or another by a different way, under the resend's limits and spacing.
 */
export const unlockChannel: Step<DeliveryChannel, CodeDelivery> = {
  action: 'channel',
  async run(step, channel) {
    const { deps, ctx, attempt, base } = step;
    const card = await deps.repos.cards.find(attempt.cardId);
    if (card === undefined) return fail('CARD_UNKNOWN');
    const chosen = holderContacts(deps.channels, card).find((c) => c.channel === channel);
    if (chosen === undefined) {
      return refuse(deps, ctx, { ...base, detail: `channel=${channel}` }, 'VALIDATION_FAILED', {
        field: 'channel',
      });
    }
    let answered = attempt;
    if (attempt.state === 'proved' && deps.verification === 'code-only') {
      const now = deps.now().toISOString();
      const maxFailures = deps.policy.answers.maxWrongSubmissions;
      const refusal = selfServiceRefusal(deps.policy, card);
      if (refusal !== undefined) return refuseSelfService(step, refusal);
      if (!(await deps.repos.attempts.markAnswered(attempt.attemptId, null, now, maxFailures))) {
        const why = await whyRefused(deps, attempt.kind, card.cardId, attempt.attemptId, now);
        return refuse(deps, ctx, base, why);
      }
      answered = { ...attempt, state: 'answered' };
    } else if (attempt.state !== 'answered') {
      return refuse(deps, ctx, base, 'ATTEMPT_STATE');
    }
    await audit(deps, ctx, { ...base, outcome: 'ok', detail: `channel=${channel}` });
    return sendCode(deps, ctx, answered, card, chosen);
  },
};
