import { Router } from 'express';
import { API_ROUTES } from '../../src/shared/http-api';
import type { UnlockService } from '../domain/ports';
import type { HttpMetrics } from '../http/metrics';
import { mountRoute } from './mount';

/** Signatures travel as base64 DER; the domain takes bytes. */
const bytes = (base64: string): Uint8Array => new Uint8Array(Buffer.from(base64, 'base64'));

/** The unlock flow's routes (product brief, "Unlock"), each a thin call into the domain. */
export function unlockRoutes(unlock: UnlockService, metrics: HttpMetrics): Router {
  const router = Router();
  const r = API_ROUTES;
  mountRoute(
    router,
    r.unlockStart,
    'start',
    'unlock',
    ({ body, ctx }) => unlock.start(body.cardId, ctx),
    metrics,
  );
  mountRoute(
    router,
    r.unlockProof,
    'card-proof',
    'unlock',
    ({ body, attemptId, ctx }) => unlock.proveCard(attemptId, bytes(body.signature), ctx),
    metrics,
  );
  mountRoute(
    router,
    r.unlockAnswers,
    'answers',
    'unlock',
    ({ body, attemptId, ctx }) => unlock.answer(attemptId, body.answers, ctx),
    metrics,
  );
  mountRoute(
    router,
    r.unlockResend,
    'resend',
    'unlock',
    ({ attemptId, ctx }) => unlock.resendCode(attemptId, ctx),
    metrics,
  );
  mountRoute(
    router,
    r.unlockCode,
    'code',
    'unlock',
    ({ body, attemptId, ctx }) => unlock.submitCode(attemptId, body.code, ctx),
    metrics,
  );
  mountRoute(
    router,
    r.unlockUnblock,
    'unblock',
    'unlock',
    ({ attemptId, ctx }) => unlock.unblock(attemptId, ctx),
    metrics,
  );
  mountRoute(
    router,
    r.unlockOutcome,
    'outcome',
    'unlock',
    ({ body, attemptId, ctx }) => unlock.reportOutcome(attemptId, body, ctx),
    metrics,
  );
  mountRoute(
    router,
    r.unlockCancel,
    'cancel',
    'unlock',
    ({ attemptId, ctx }) => unlock.cancel(attemptId, ctx),
    metrics,
  );
  return router;
}
