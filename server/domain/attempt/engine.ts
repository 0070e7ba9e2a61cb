import { ok } from '../../../src/shared/result';
import type { DomainDeps } from '../deps';
import type { AttemptService, StepShapes } from '../ports';
import { audit, fail, refuse } from '../refusal';
import { sendCode } from './code-send';
import { loadLiveAttempt } from './load';
import { startAttempt } from './start';
import type { Flow } from './step';

/**
 * The attempt engine: one service for any flow. It starts attempts, loads the live attempt for
 * each step, refuses a step out of order, resends codes and cancels; the flow's steps do the rest
 * (docs/decisions/0017-attempt-engine.md).
 */
export function createAttemptService<S extends StepShapes>(
  deps: DomainDeps,
  flow: Flow<S>,
): AttemptService<S> {
  const { kind } = flow;
  return {
    start: (cardId, ctx) => startAttempt(deps, ctx, kind, cardId),

    async step(name, attemptId, input, ctx) {
      const step = flow.steps[name];
      const action = `${kind}.${step.action}`;
      const loaded = await loadLiveAttempt(deps, attemptId, kind, { ctx, action });
      if (!loaded.ok) {
        return step.whenNotLive === undefined
          ? loaded
          : step.whenNotLive(deps, attemptId, kind, loaded);
      }
      const attempt = loaded.value;
      const base = { cardId: attempt.cardId, attemptId, action };
      if (step.from !== undefined && attempt.state !== step.from) {
        return refuse(deps, ctx, base, 'ATTEMPT_STATE');
      }
      return step.run({ deps, ctx, attempt, base }, input);
    },

    async resendCode(attemptId, ctx) {
      const action = `${kind}.code-send`;
      const loaded = await loadLiveAttempt(deps, attemptId, kind, { ctx, action });
      if (!loaded.ok) return loaded;
      const card = await deps.repos.cards.find(loaded.value.cardId);
      if (card === undefined) return fail('CARD_UNKNOWN');
      return sendCode(deps, ctx, loaded.value, card);
    },

    async cancel(attemptId, ctx) {
      const action = `${kind}.cancel`;
      const loaded = await loadLiveAttempt(deps, attemptId, kind, { ctx, action });
      if (!loaded.ok) {
        // Cancelling an attempt that already ended is harmless: the caller wanted it gone.
        return loaded.error.code === 'ATTEMPT_NOT_FOUND' ? loaded : ok(undefined);
      }
      await deps.repos.attempts.end(attemptId, 'cancelled', deps.now().toISOString());
      await audit(deps, ctx, { cardId: loaded.value.cardId, attemptId, action, outcome: 'ok' });
      return ok(undefined);
    },
  };
}
