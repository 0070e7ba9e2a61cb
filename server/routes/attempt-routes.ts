import { Router } from 'express';
import { ok } from '../../src/shared/result';
import { API_ROUTES, type ApiRoute } from '../../src/shared/http-api';
import type { AttemptService, DomainResult, ServerCore, StepShapes } from '../domain/ports';
import type { HttpMetrics } from '../http/metrics';
import { type BodyOf, type RouteInput, mountRoute } from './mount';

/** Signatures travel as base64 DER; the domain takes bytes. */
const bytes = (base64: string): Uint8Array => new Uint8Array(Buffer.from(base64, 'base64'));

/** Any flow's service, as a route calls it. */
type FlowService = AttemptService<StepShapes>;

/** One engine operation over HTTP: its step name in the metrics, and the domain call it makes. */
interface Operation<R extends ApiRoute> {
  readonly step: string;
  readonly call: (
    flow: FlowService,
    input: RouteInput<BodyOf<R>>,
  ) => Promise<DomainResult<unknown>>;
}

const r = API_ROUTES;

/** The route that types each operation's body; every flow's route for it takes the same body. */
interface OperationRoutes {
  readonly start: typeof r.unlockStart;
  readonly proof: typeof r.unlockProof;
  readonly answers: typeof r.unlockAnswers;
  readonly channel: typeof r.unlockChannel;
  readonly resend: typeof r.unlockResend;
  readonly code: typeof r.unlockCode;
  readonly approval: typeof r.unlockApproval;
  readonly approvalStatus: typeof r.unlockApprovalStatus;
  readonly unblock: typeof r.unlockUnblock;
  readonly outcome: typeof r.unlockOutcome;
  readonly cancel: typeof r.unlockCancel;
}

type OperationName = keyof OperationRoutes;

/** A route's request schema, or undefined for a bodiless route. */
type RequestOf<R> = R extends { readonly request: infer S } ? S : undefined;

/** Every operation of the attempt engine over HTTP, in the order a flow meets them. */
const OPERATIONS: { readonly [O in OperationName]: Operation<OperationRoutes[O]> } = {
  start: { step: 'start', call: (f, { body, ctx }) => f.start(body.cardId, ctx) },
  proof: {
    step: 'card-proof',
    call: (f, { body, attemptId, ctx }) => f.step('proof', attemptId, bytes(body.signature), ctx),
  },
  answers: {
    step: 'answers',
    call: (f, { body, attemptId, ctx }) => f.step('answers', attemptId, body.answers, ctx),
  },
  channel: {
    step: 'channel',
    call: (f, { body, attemptId, ctx }) => f.step('channel', attemptId, body.channel, ctx),
  },
  resend: { step: 'resend', call: (f, { attemptId, ctx }) => f.resendCode(attemptId, ctx) },
  code: {
    step: 'code',
    call: (f, { body, attemptId, ctx }) => f.step('code', attemptId, body.code, ctx),
  },
  approval: {
    step: 'approval',
    call: (f, { attemptId, ctx }) => f.step('approval', attemptId, undefined, ctx),
  },
  approvalStatus: {
    step: 'approval-status',
    call: (f, { attemptId, ctx }) => f.step('approvalStatus', attemptId, undefined, ctx),
  },
  unblock: {
    step: 'unblock',
    call: (f, { attemptId, ctx }) => f.step('unblock', attemptId, undefined, ctx),
  },
  outcome: {
    step: 'outcome',
    call: (f, { body, attemptId, ctx }) => f.step('outcome', attemptId, body, ctx),
  },
  cancel: { step: 'cancel', call: (f, { attemptId, ctx }) => f.cancel(attemptId, ctx) },
};

/** Each flow's routes by operation: a new flow is one more entry here and in ServerCore. */
const FLOW_ROUTES = {
  unlock: {
    start: r.unlockStart,
    proof: r.unlockProof,
    answers: r.unlockAnswers,
    channel: r.unlockChannel,
    resend: r.unlockResend,
    code: r.unlockCode,
    approval: r.unlockApproval,
    approvalStatus: r.unlockApprovalStatus,
    unblock: r.unlockUnblock,
    outcome: r.unlockOutcome,
    cancel: r.unlockCancel,
  },
  registration: {
    start: r.registerStart,
    proof: r.registerProof,
    answers: r.registerAnswers,
    resend: r.registerResend,
    code: r.registerCode,
    cancel: r.registerCancel,
  },
} as const satisfies Record<
  'unlock' | 'registration',
  {
    readonly [O in OperationName]?: ApiRoute & { readonly request?: RequestOf<OperationRoutes[O]> };
  }
>;

/**
 * The routes of every flow (product brief, "Unlock" and "Registration"), each a thin call, and the
 * unlock's description of how this server checks holders.
 */
export function attemptRoutes(
  services: Pick<ServerCore, 'unlock' | 'registration' | 'verification'>,
  metrics: HttpMetrics,
): Router {
  const router = Router();
  mountRoute(
    router,
    r.unlockService,
    'service',
    'unlock',
    () => Promise.resolve(ok(services.verification)),
    metrics,
  );
  for (const flow of ['unlock', 'registration'] as const) {
    const service: FlowService = services[flow];
    for (const [name, route] of Object.entries(FLOW_ROUTES[flow]) as [OperationName, ApiRoute][]) {
      const operation = OPERATIONS[name] as Operation<ApiRoute>;
      mountRoute(
        router,
        route,
        operation.step,
        flow,
        (input) => operation.call(service, input),
        metrics,
      );
    }
  }
  return router;
}
