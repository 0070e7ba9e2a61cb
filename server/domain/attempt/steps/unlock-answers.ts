import { ok } from '../../../../src/shared/result';
import { holderContacts } from '../../delivery-channel';
import { LOCKED_NOW_DETAIL, selfServiceRefusal } from '../../card-lock';
import type { DomainDeps } from '../../deps';
import type { AnswersAccepted, DomainResult, GivenAnswers } from '../../ports';
import { audit, fail, refuse } from '../../refusal';
import type { CardRecord, StoredAnswer } from '../../repository-ports';
import { sendCode, storedDelivery } from '../code-send';
import { refuseSelfService, type SelfServiceRefusal } from '../desk-hold';
import type { Step, StepRun } from '../step';
import { whyRefused } from '../why-refused';

/**
 * Moves the attempt to answered and, in the same transaction, stores each right answer whose hash
 * is of an older form hashed in today's; returns how many (undefined: the attempt did not move).
 */
async function moveToAnswered(
  deps: DomainDeps,
  at: { attemptId: string; cardId: string; now: string; maxFailures: number },
  outdated: readonly (StoredAnswer & { readonly answer: string })[],
): Promise<number | undefined> {
  if (outdated.length === 0) {
    const moved = await deps.repos.attempts.markAnswered(
      at.attemptId,
      null,
      at.now,
      at.maxFailures,
    );
    return moved ? 0 : undefined;
  }
  // Hashed before the transaction, so argon2 never holds SQLite's write lock or a row lock.
  const fresh = await Promise.all(
    outdated.map(async (s) => ({ ...s, after: await deps.answerHasher.hash(s.answer) })),
  );
  return deps.unitOfWork.run(async (repos) => {
    if (!(await repos.attempts.markAnswered(at.attemptId, null, at.now, at.maxFailures))) {
      return undefined;
    }
    let replaced = 0;
    // A hash changed since it was read (registered again meanwhile) is kept.
    for (const s of fresh) {
      if (await repos.cards.replaceAnswerHash(at.cardId, s.questionId, s.hash, s.after)) replaced++;
    }
    return replaced;
  });
}

/**
 * Unlock's answers: every registered question answered, checked against the stored hashes; a
 * wrong set counts one failure against the card, and the last one locks it. Right: the code is
 * sent, or, when the holder has two contacts, the channel step comes next.
 */
export const unlockAnswers: Step<GivenAnswers, AnswersAccepted> = {
  action: 'answers',
  async run(step, answers) {
    const { deps, ctx, attempt, base } = step;
    const { attemptId } = attempt;
    // Answered already: the answer was lost (the database went away before it was given), so Try
    // again checks the answers again and goes on, rather than sending the holder back to the card.
    const again = attempt.state === 'answered';
    // The code-only model asks no questions: its proof said the channel comes next.
    if (deps.verification !== 'questions-and-code' || (attempt.state !== 'proved' && !again)) {
      return refuse(deps, ctx, base, 'ATTEMPT_STATE');
    }
    const maxFailures = deps.policy.answers.maxWrongSubmissions;
    const now = deps.now().toISOString();
    const card = await deps.repos.cards.find(attempt.cardId);
    if (card === undefined) return fail('CARD_UNKNOWN');
    // A lockout keeps the attempt for the desk's approval while the assisted unlock is on.
    const refuseCard = (code: SelfServiceRefusal, detail?: string) =>
      refuseSelfService(step, code, detail);
    const refusal = selfServiceRefusal(deps.policy, card);
    if (refusal !== undefined) return refuseCard(refusal);
    const stored = await deps.repos.cards.findAnswers(card.cardId);
    const given = new Map(answers.map((a) => [a.questionId, a.answer]));
    if (
      given.size !== answers.length ||
      given.size !== stored.length ||
      stored.some((s) => !given.has(s.questionId))
    ) {
      return refuse(deps, ctx, base, 'VALIDATION_FAILED', { field: 'answers' });
    }
    // Every answer is checked, right or wrong, so timing says nothing about which one failed.
    const checks = await Promise.all(
      stored.map((s) => deps.answerHasher.verify(s.hash, given.get(s.questionId) ?? '')),
    );
    if (checks.some((right) => !right)) {
      const failures = await deps.repos.cards.recordFailure(card.cardId, maxFailures, now);
      if (failures === undefined || failures >= maxFailures) {
        // This failure locked the card (undefined: it was locked already), for the reports.
        return refuseCard(
          'SELF_SERVICE_LOCKED',
          failures === undefined ? undefined : LOCKED_NOW_DETAIL,
        );
      }
      const triesLeft = maxFailures - failures;
      const detail = `triesLeft=${triesLeft}`;
      return refuse(deps, ctx, { ...base, detail }, 'ANSWERS_WRONG', { triesLeft });
    }
    if (again) {
      // A code already stored may be in the holder's mailbox: they are told where it went.
      const sent = storedDelivery(deps, attempt, card);
      const detail = `answered-again${sent === undefined ? '' : ';code=kept'}`;
      await audit(deps, ctx, { ...base, outcome: 'ok', detail });
      return sent === undefined ? afterRightAnswers(step, card) : ok(sent);
    }
    const outdated = stored.filter((s) => deps.answerHasher.isOutdated(s.hash));
    const rehashed = await moveToAnswered(
      deps,
      { attemptId, cardId: card.cardId, now, maxFailures },
      outdated.map((s) => ({ ...s, answer: given.get(s.questionId) ?? '' })),
    );
    if (rehashed === undefined) {
      // The card locked or froze, or the attempt moved on, since it was read.
      return refuse(deps, ctx, base, await whyRefused(deps, 'unlock', card.cardId, attemptId, now));
    }
    const detail = rehashed === 0 ? {} : { detail: `rehashed=${rehashed}` };
    await audit(deps, ctx, { ...base, ...detail, outcome: 'ok' });
    return afterRightAnswers(step, card);
  },
};

/** Right answers: the code goes to the holder's one contact, or the holder chooses where. */
function afterRightAnswers(
  { deps, ctx, attempt }: StepRun,
  card: CardRecord,
): Promise<DomainResult<AnswersAccepted>> {
  const contacts = holderContacts(deps.channels, card);
  if (contacts.length > 1) return Promise.resolve(ok({ next: 'channel' }));
  return sendCode(deps, ctx, { ...attempt, state: 'answered' }, card, contacts[0]);
}
