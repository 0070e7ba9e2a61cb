import { Router } from 'express';
import { API_ROUTES } from '../../src/shared/http-api';
import type { RegistrationService } from '../domain/ports';
import type { HttpMetrics } from '../http/metrics';
import { mountRoute } from './mount';

/** Signatures travel as base64 DER; the domain takes bytes. */
const bytes = (base64: string): Uint8Array => new Uint8Array(Buffer.from(base64, 'base64'));

/** The registration flow's routes (product brief, "Registration"). */
export function registrationRoutes(
  registration: RegistrationService,
  metrics: HttpMetrics,
): Router {
  const router = Router();
  const r = API_ROUTES;
  const flow = 'registration';
  mountRoute(
    router,
    r.registerStart,
    'start',
    flow,
    ({ body, ctx }) => registration.start(body.cardId, ctx),
    metrics,
  );
  mountRoute(
    router,
    r.registerProof,
    'card-proof',
    flow,
    ({ body, attemptId, ctx }) => registration.proveCard(attemptId, bytes(body.signature), ctx),
    metrics,
  );
  mountRoute(
    router,
    r.registerAnswers,
    'answers',
    flow,
    ({ body, attemptId, ctx }) => registration.answer(attemptId, body.answers, ctx),
    metrics,
  );
  mountRoute(
    router,
    r.registerResend,
    'resend',
    flow,
    ({ attemptId, ctx }) => registration.resendCode(attemptId, ctx),
    metrics,
  );
  mountRoute(
    router,
    r.registerCode,
    'code',
    flow,
    ({ body, attemptId, ctx }) => registration.confirmCode(attemptId, body.code, ctx),
    metrics,
  );
  mountRoute(
    router,
    r.registerCancel,
    'cancel',
    flow,
    ({ attemptId, ctx }) => registration.cancel(attemptId, ctx),
    metrics,
  );
  return router;
}
