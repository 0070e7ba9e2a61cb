import type { ErrorCode } from '../../src/shared/errors';
import type { UnblockAuthorisation } from '../../src/shared/http-api';
import { ok } from '../../src/shared/result';
import { unlockedNoticeMail } from '../mail/templates';
import { generatePuk } from '../security/secrets';
import {
  endAttempt,
  findAttempt,
  markAnswered,
  recordRotation,
  releasePuk,
  spendCode,
} from '../storage/attempt-repository';
import {
  type CardRecord,
  commitPendingPuk,
  discardPendingPuk,
  findAnswers,
  findCard,
  pukReleasesOn,
  recordFailure,
  recordUnlock,
  reservePukRelease,
  setPendingPuk,
  touchCard,
} from '../storage/card-repository';
import {
  type DomainDeps,
  audit,
  checkCode,
  fail,
  isLocked,
  loadLiveAttempt,
  sendCode,
  sendNotice,
  utcDay,
  rotationRefOf,
  refuse,
} from './context';
import { findQuestion } from './question-catalogue';
import { startAttempt } from './attempt-start';
import { checkCardProof } from './card-proof-step';
import type { DomainResult, RequestContext, UnlockService } from './ports';

/** Thrown inside the release transaction to roll it back; never escapes this module. */
class ReleaseRefused extends Error {
  constructor(readonly reason: 'daily-cap' | 'not-verified') {
    super(reason);
  }
}

/**
 * The unlock flow: card proof (9E), answers, a code by email, then the unblock authorisation with
 * a crash-safe PUK rotation. Every limit is enforced by a conditional statement in the database.
 */
export function createUnlockService(deps: DomainDeps): UnlockService {
  const { policy } = deps;
  const maxFailures = policy.answers.maxWrongSubmissions;

  /** The card of an attempt; it can vanish only if IT deleted it mid-attempt. */
  async function cardOf(cardId: string): Promise<DomainResult<CardRecord>> {
    const card = await findCard(deps.db, cardId);
    return card === undefined ? fail('CARD_UNKNOWN') : ok(card);
  }

  /** Why a conditional update on a live attempt changed nothing, as the holder should hear it. */
  async function whyRefused(cardId: string, attemptId: string, nowIso: string): Promise<ErrorCode> {
    const again = await loadLiveAttempt(deps, attemptId, 'unlock');
    if (!again.ok) return again.error.code;
    const card = await findCard(deps.db, cardId);
    if (card !== undefined && isLocked(deps, card)) return 'SELF_SERVICE_LOCKED';
    const a = again.value;
    if (a.state === 'answered' && a.codeExpiresAt !== null && a.codeExpiresAt <= nowIso) {
      return 'CODE_EXPIRED';
    }
    if (a.state === 'answered' && a.codeTries >= policy.code.triesPerCode) {
      return 'CODE_TRIES_EXHAUSTED';
    }
    return 'ATTEMPT_STATE';
  }

  return {
    async start(cardId: string, ctx: RequestContext) {
      return startAttempt(deps, ctx, 'unlock', cardId);
    },

    async proveCard(attemptId, signatureDer, ctx) {
      const proved = await checkCardProof(deps, ctx, 'unlock', attemptId, signatureDer);
      if (!proved.ok) return proved;
      const { card } = proved.value;
      const now = deps.now().toISOString();
      const base = { cardId: card.cardId, attemptId, action: 'unlock.proof' };
      // What a start used to tell anyone is told only now, to the card that proved itself.
      if (isLocked(deps, card)) {
        await endAttempt(deps.db, attemptId, 'self-service-locked', now);
        return refuse(deps, ctx, base, 'SELF_SERVICE_LOCKED');
      }
      const releasesToday = await pukReleasesOn(deps.db, card.cardId, utcDay(deps.now()));
      if (releasesToday >= policy.puk.maxReleasesPerDay) {
        await endAttempt(deps.db, attemptId, 'puk-release-limit', now);
        return refuse(deps, ctx, base, 'PUK_RELEASE_LIMIT');
      }
      const answers = await findAnswers(deps.db, card.cardId);
      const questions = answers.map((a) => findQuestion(a.questionId));
      if (answers.length === 0 || questions.some((q) => q === undefined)) {
        await endAttempt(deps.db, attemptId, 'not-registered', now);
        return refuse(deps, ctx, base, 'CARD_NOT_REGISTERED');
      }
      await audit(deps, ctx, { ...base, outcome: 'ok' });
      return ok({
        holderName: card.holderName,
        questions: questions.filter((q) => q !== undefined),
        answerTriesLeft: maxFailures - card.failures,
      });
    },

    async answer(attemptId, answers, ctx) {
      const loaded = await loadLiveAttempt(deps, attemptId, 'unlock', {
        ctx,
        action: 'unlock.answers',
      });
      if (!loaded.ok) return loaded;
      const attempt = loaded.value;
      const now = deps.now().toISOString();
      const base = { cardId: attempt.cardId, attemptId, action: 'unlock.answers' };
      if (attempt.state !== 'proved') {
        return refuse(deps, ctx, base, 'ATTEMPT_STATE');
      }
      const cardResult = await cardOf(attempt.cardId);
      if (!cardResult.ok) return cardResult;
      const card = cardResult.value;
      if (isLocked(deps, card)) {
        await endAttempt(deps.db, attemptId, 'self-service-locked', now);
        return refuse(deps, ctx, base, 'SELF_SERVICE_LOCKED');
      }
      const stored = await findAnswers(deps.db, card.cardId);
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
        const failures = await recordFailure(deps.db, card.cardId, maxFailures, now);
        if (failures === undefined || failures >= maxFailures) {
          await endAttempt(deps.db, attemptId, 'self-service-locked', now);
          return refuse(deps, ctx, base, 'SELF_SERVICE_LOCKED');
        }
        const triesLeft = maxFailures - failures;
        await audit(deps, ctx, {
          ...base,
          outcome: 'ANSWERS_WRONG',
          detail: `triesLeft=${triesLeft}`,
        });
        return fail('ANSWERS_WRONG', { triesLeft });
      }
      if (!(await markAnswered(deps.db, attemptId, null, now, maxFailures))) {
        const again = await loadLiveAttempt(deps, attemptId, 'unlock');
        const code = !again.ok ? again.error.code : 'SELF_SERVICE_LOCKED';
        await audit(deps, ctx, { ...base, outcome: code });
        return fail(code);
      }
      await audit(deps, ctx, { ...base, outcome: 'ok' });
      return sendCode(deps, ctx, { ...attempt, state: 'answered' }, card);
    },

    async resendCode(attemptId, ctx) {
      const loaded = await loadLiveAttempt(deps, attemptId, 'unlock', {
        ctx,
        action: 'unlock.code-send',
      });
      if (!loaded.ok) return loaded;
      const cardResult = await cardOf(loaded.value.cardId);
      if (!cardResult.ok) return cardResult;
      return sendCode(deps, ctx, loaded.value, cardResult.value);
    },

    async submitCode(attemptId, code, ctx) {
      const loaded = await loadLiveAttempt(deps, attemptId, 'unlock', {
        ctx,
        action: 'unlock.code',
      });
      if (!loaded.ok) return loaded;
      const attempt = loaded.value;
      const nowIso = deps.now().toISOString();
      const base = { cardId: attempt.cardId, attemptId, action: 'unlock.code' };
      const checked = await checkCode(deps, ctx, attempt, code, true);
      if (!checked.ok) return checked;
      const spent = await spendCode(
        deps.db,
        attemptId,
        checked.value,
        policy.code.triesPerCode,
        'verified',
        nowIso,
        maxFailures,
      );
      if (!spent) {
        // Another request spent the code, the card locked, or time ran out meanwhile.
        const why = await whyRefused(attempt.cardId, attemptId, nowIso);
        await audit(deps, ctx, { ...base, outcome: why });
        return fail(why);
      }
      await audit(deps, ctx, { ...base, outcome: 'ok' });
      return ok({ unblockBy: attempt.expiresAt });
    },

    async unblock(attemptId, ctx) {
      const loaded = await loadLiveAttempt(deps, attemptId, 'unlock', {
        ctx,
        action: 'unlock.puk-release',
      });
      if (!loaded.ok) return loaded;
      const attempt = loaded.value;
      const now = deps.now();
      const nowIso = now.toISOString();
      const base = { cardId: attempt.cardId, attemptId, action: 'unlock.puk-release' };
      // A release this attempt already has is given again (its answer was lost on the way),
      // counted once: the card still holds one of the two PUKs it names.
      const giveAgain = async () => {
        const again = await releaseAgain(deps, attemptId);
        await audit(deps, ctx, {
          ...base,
          outcome: again === undefined ? 'ATTEMPT_STATE' : 'ok',
          detail: again === undefined ? 'release-superseded' : 'released-again',
        });
        return again === undefined ? fail('ATTEMPT_STATE') : ok(again);
      };
      if (attempt.state === 'authorised' && attempt.pukReleasedAt !== null) return giveAgain();
      if (attempt.state !== 'verified') {
        return refuse(deps, ctx, base, 'ATTEMPT_STATE');
      }
      // One transaction: the daily count, the release, the pending PUK, the attempt's rotation
      // and the audit row commit together or not at all, so a lost answer can be fetched again.
      try {
        const authorisation = await deps.db.transaction().execute(async (trx) => {
          // The daily counter is written first so SQLite takes its write lock before any read.
          const count = await reservePukRelease(
            trx,
            attempt.cardId,
            utcDay(now),
            policy.puk.maxReleasesPerDay,
          );
          if (count === undefined) throw new ReleaseRefused('daily-cap');
          // The card's row next: on PostgreSQL a key rotation re-sealing this card's PUKs then
          // either committed before the reads below or waits for this commit, and then moves the
          // rotation fingerprint recorded here along with the PUK.
          await touchCard(trx, attempt.cardId, nowIso);
          if (!(await releasePuk(trx, attemptId, nowIso, maxFailures))) {
            throw new ReleaseRefused('not-verified');
          }
          const released = await authorise(deps, trx, attempt.cardId, nowIso);
          await recordRotation(trx, attemptId, attempt.cardId, released.rotationRef, nowIso);
          await audit(
            deps,
            ctx,
            {
              ...base,
              outcome: 'ok',
              detail: `releasesToday=${count};rotation=${released.authorisation.unconfirmedPuk === null ? 'new' : 'resumed'}`,
            },
            trx,
          );
          return released.authorisation;
        });
        return ok(authorisation);
      } catch (e) {
        if (!(e instanceof ReleaseRefused)) throw e;
        // A retry that overlapped the first request (it read the attempt before that committed)
        // finds the release made: it gets it again, and must not end or count anything.
        const current = await findAttempt(deps.db, attemptId, 'unlock');
        if (current?.state === 'authorised' && current.pukReleasedAt !== null) return giveAgain();
        if (e.reason === 'daily-cap') {
          await endAttempt(deps.db, attemptId, 'puk-release-limit', nowIso, ['verified']);
          return refuse(deps, ctx, base, 'PUK_RELEASE_LIMIT');
        }
        const why = await whyRefused(attempt.cardId, attemptId, nowIso);
        await audit(deps, ctx, { ...base, outcome: why });
        return fail(why);
      }
    },

    async reportOutcome(attemptId, outcome, ctx) {
      const attempt = await loadLiveAttempt(deps, attemptId, 'unlock', {
        ctx,
        action: 'unlock.outcome',
      });
      if (!attempt.ok) return attempt;
      const now = deps.now();
      const nowIso = now.toISOString();
      const base = { cardId: attempt.value.cardId, attemptId, action: 'unlock.outcome' };
      const cardBefore = await findCard(deps.db, attempt.value.cardId);
      // Ending the attempt first makes the outcome single use; if the server stops before the
      // rotation is committed, the pending PUK stays pending and the next visit resumes it.
      if (
        cardBefore === undefined ||
        !(await endAttempt(deps.db, attemptId, `outcome-${outcome.outcome}`, nowIso, [
          'authorised',
        ]))
      ) {
        return refuse(deps, ctx, base, 'ATTEMPT_STATE');
      }
      // Only the rotation this attempt released may be committed or dropped by its outcome.
      const pending =
        cardBefore.pendingPuk !== null &&
        rotationRefOf(cardBefore.pendingPuk) === attempt.value.rotationRef
          ? cardBefore.pendingPuk
          : null;
      let rotation: string = pending === null ? 'not-pending' : 'kept-pending';
      if (pending !== null && outcome.pukOnCard === 'next') {
        rotation = (await commitPendingPuk(deps.db, cardBefore.cardId, pending, nowIso))
          ? 'committed'
          : 'already-committed';
      } else if (pending !== null && outcome.pukOnCard === 'previous') {
        await discardPendingPuk(deps.db, cardBefore.cardId, pending, nowIso);
        rotation = 'discarded';
      }
      if (outcome.outcome === 'unlocked') {
        await recordUnlock(deps.db, cardBefore.cardId, nowIso);
        sendNotice(deps, attemptId, {
          ...unlockedNoticeMail(cardBefore.holderName, now, deps.help),
          to: cardBefore.email,
          purpose: 'unlocked-notice',
        });
      }
      await audit(deps, ctx, {
        ...base,
        outcome: outcome.outcome === 'unlocked' ? 'ok' : 'failed',
        detail: `pukOnCard=${outcome.pukOnCard};rotation=${rotation}${
          outcome.failureCode === undefined
            ? ''
            : `;failureCode=${outcome.failureCode.replace(/[^A-Za-z0-9_-]/g, '')}`
        }`,
      });
      return ok(undefined);
    },

    async cancel(attemptId, ctx) {
      const loaded = await loadLiveAttempt(deps, attemptId, 'unlock', {
        ctx,
        action: 'unlock.cancel',
      });
      if (!loaded.ok) {
        // Cancelling an attempt that already ended is harmless: the caller wanted it gone.
        return loaded.error.code === 'ATTEMPT_NOT_FOUND' ? loaded : ok(undefined);
      }
      await endAttempt(deps.db, attemptId, 'cancelled', deps.now().toISOString());
      await audit(deps, ctx, {
        cardId: loaded.value.cardId,
        attemptId,
        action: 'unlock.cancel',
        outcome: 'ok',
      });
      return ok(undefined);
    },
  };
}

/**
 * The authorisation an attempt was released, given again: the current PUK, and the pending one
 * the attempt's rotation set (or resumed) as both unconfirmed and next, so whichever of the two
 * the card holds opens it. Undefined when that rotation is no longer pending (committed,
 * discarded, or taken over by a later attempt).
 */
async function releaseAgain(
  deps: DomainDeps,
  attemptId: string,
): Promise<UnblockAuthorisation | undefined> {
  // A key rotation moves the pending PUK and the attempts' fingerprints in one transaction, so
  // two reads on either side of it disagree once: a disagreement is read again.
  for (let tries = 0; tries < 2; tries += 1) {
    const attempt = await findAttempt(deps.db, attemptId, 'unlock');
    if (attempt?.state !== 'authorised') return undefined;
    const card = await findCard(deps.db, attempt.cardId);
    if (card?.pendingPuk == null) return undefined;
    if (rotationRefOf(card.pendingPuk) === attempt.rotationRef) {
      const pending = deps.keyRing.open(card.cardId, card.pendingPuk);
      return {
        puk: deps.keyRing.open(card.cardId, card.puk),
        unconfirmedPuk: pending,
        nextPuk: pending,
      };
    }
  }
  return undefined;
}

/**
 * Builds the unblock authorisation. With no rotation pending, a fresh PUK becomes pending. With
 * one pending (an earlier visit never confirmed), the card holds either the current or the pending
 * PUK, so both are offered and the pending one stays the target: the card always holds one of the
 * two PUKs the server knows, whatever step a crash interrupts.
 */
async function authorise(
  deps: DomainDeps,
  db: DomainDeps['db'],
  cardId: string,
  now: string,
): Promise<{ readonly authorisation: UnblockAuthorisation; readonly rotationRef: string }> {
  let card = await findCard(db, cardId);
  if (card === undefined) throw new Error('The card vanished during an unlock.');
  if (card.pendingPuk === null) {
    const current = deps.keyRing.open(cardId, card.puk);
    let next = generatePuk(deps.policy.puk.length);
    while (next === current) next = generatePuk(deps.policy.puk.length);
    const sealed = deps.keyRing.seal(cardId, next);
    if (await setPendingPuk(db, cardId, sealed, now)) {
      return {
        authorisation: { puk: current, unconfirmedPuk: null, nextPuk: next },
        rotationRef: rotationRefOf(sealed),
      };
    }
    // A concurrent attempt for the same card set one first: resume that rotation instead.
    card = await findCard(db, cardId);
    if (card?.pendingPuk == null) throw new Error('The pending PUK vanished during an unlock.');
  }
  const pending = deps.keyRing.open(cardId, card.pendingPuk);
  return {
    authorisation: {
      puk: deps.keyRing.open(cardId, card.puk),
      unconfirmedPuk: pending,
      nextPuk: pending,
    },
    rotationRef: rotationRefOf(card.pendingPuk),
  };
}
