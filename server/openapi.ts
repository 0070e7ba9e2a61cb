import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '../src/shared/errors';
import {
  approvalIssuedSchema,
  approvalStatusSchema,
  answersAcceptedSchema,
  answersRequestSchema,
  API_ROUTES,
  ATTEMPT_ID_PATTERN,
  cardProofRequestSchema,
  channelRequestSchema,
  codeDeliverySchema,
  codeRequestSchema,
  codeVerifiedResponseSchema,
  errorResponseSchema,
  healthResponseSchema,
  outcomeRequestSchema,
  registrationProofResponseSchema,
  startAttemptRequestSchema,
  startAttemptResponseSchema,
  unblockAuthorisationSchema,
  unlockProofResponseSchema,
  unlockServiceResponseSchema,
  type ApiRoute,
} from '../src/shared/http-api';
import { NOT_ME_PATH } from './delivery/not-me-link';
import { ERROR_STATUS, successStatusOf } from './http/status';

/** The named schemas of the API, as they appear under `components.schemas`. */
const NAMED_SCHEMAS: readonly (readonly [string, z.ZodType])[] = [
  ['UnlockService', unlockServiceResponseSchema],
  ['StartAttemptRequest', startAttemptRequestSchema],
  ['StartAttemptResponse', startAttemptResponseSchema],
  ['CardProofRequest', cardProofRequestSchema],
  ['UnlockProofResponse', unlockProofResponseSchema],
  ['RegistrationProofResponse', registrationProofResponseSchema],
  ['AnswersRequest', answersRequestSchema],
  ['AnswersAccepted', answersAcceptedSchema],
  ['ChannelRequest', channelRequestSchema],
  ['CodeDelivery', codeDeliverySchema],
  ['CodeRequest', codeRequestSchema],
  ['CodeVerified', codeVerifiedResponseSchema],
  ['ApprovalIssued', approvalIssuedSchema],
  ['ApprovalStatus', approvalStatusSchema],
  ['UnblockAuthorisation', unblockAuthorisationSchema],
  ['OutcomeRequest', outcomeRequestSchema],
  ['ErrorResponse', errorResponseSchema],
  ['HealthResponse', healthResponseSchema],
];

/** The components name of a schema. */
function nameOf(schema: z.ZodType): string {
  const found = NAMED_SCHEMAS.find(([, s]) => s === schema);
  if (found === undefined) throw new Error('An API schema has no name in NAMED_SCHEMAS.');
  return found[0];
}

/** A JSON Schema (2020-12, as OpenAPI 3.1 uses) for a body: requests as sent, responses as sent. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  return rest;
}

/** The domain error codes each step can answer, beyond the ones every route can. */
export const ROUTE_ERRORS: Readonly<Record<keyof typeof API_ROUTES, readonly ErrorCode[]>> = {
  // A start tells nothing about the card: whatever would refuse it is said after the proof.
  unlockService: [],
  unlockStart: [],
  unlockProof: [
    'ATTEMPT_NOT_FOUND',
    'ATTEMPT_EXPIRED',
    'ATTEMPT_STATE',
    'PROOF_INVALID',
    'CERTIFICATE_EXPIRED',
    'CARD_NOT_REGISTERED',
    'SELF_SERVICE_LOCKED',
    'SELF_SERVICE_FROZEN',
    'PUK_RELEASE_LIMIT',
    'NO_CONTACT',
  ],
  unlockAnswers: [
    'ATTEMPT_NOT_FOUND',
    'ATTEMPT_EXPIRED',
    'ATTEMPT_STATE',
    'ANSWERS_WRONG',
    'SELF_SERVICE_LOCKED',
    'SELF_SERVICE_FROZEN',
    'MAIL_UNAVAILABLE',
    'TEXT_UNAVAILABLE',
  ],
  unlockChannel: [
    'ATTEMPT_NOT_FOUND',
    'ATTEMPT_EXPIRED',
    'ATTEMPT_STATE',
    'VALIDATION_FAILED',
    'SELF_SERVICE_LOCKED',
    'SELF_SERVICE_FROZEN',
    'RESEND_TOO_SOON',
    'RESEND_LIMIT',
    'MAIL_UNAVAILABLE',
    'TEXT_UNAVAILABLE',
  ],
  unlockResend: [
    'ATTEMPT_NOT_FOUND',
    'ATTEMPT_EXPIRED',
    'ATTEMPT_STATE',
    'RESEND_TOO_SOON',
    'RESEND_LIMIT',
    'MAIL_UNAVAILABLE',
    'TEXT_UNAVAILABLE',
  ],
  unlockCode: [
    'ATTEMPT_NOT_FOUND',
    'ATTEMPT_EXPIRED',
    'ATTEMPT_STATE',
    'CODE_WRONG',
    'CODE_EXPIRED',
    'CODE_TRIES_EXHAUSTED',
    'SELF_SERVICE_LOCKED',
    'SELF_SERVICE_FROZEN',
  ],
  unlockApproval: [
    'ATTEMPT_NOT_FOUND',
    'ATTEMPT_EXPIRED',
    'ATTEMPT_STATE',
    'NOT_FOUND',
    'APPROVAL_LIMIT',
    'CERTIFICATE_EXPIRED',
    'SELF_SERVICE_FROZEN',
    'PUK_RELEASE_LIMIT',
  ],
  unlockApprovalStatus: [
    'ATTEMPT_NOT_FOUND',
    'ATTEMPT_EXPIRED',
    'ATTEMPT_STATE',
    'SELF_SERVICE_FROZEN',
  ],
  unlockUnblock: [
    'ATTEMPT_NOT_FOUND',
    'ATTEMPT_EXPIRED',
    'ATTEMPT_STATE',
    'SELF_SERVICE_LOCKED',
    'SELF_SERVICE_FROZEN',
    'PUK_RELEASE_LIMIT',
  ],
  unlockOutcome: ['ATTEMPT_NOT_FOUND', 'ATTEMPT_STATE'],
  unlockCancel: ['ATTEMPT_NOT_FOUND'],
  registerStart: [],
  registerProof: [
    'ATTEMPT_NOT_FOUND',
    'ATTEMPT_EXPIRED',
    'ATTEMPT_STATE',
    'PROOF_INVALID',
    'CERTIFICATE_EXPIRED',
  ],
  registerAnswers: [
    'ATTEMPT_NOT_FOUND',
    'ATTEMPT_EXPIRED',
    'ATTEMPT_STATE',
    'VALIDATION_FAILED',
    'MAIL_UNAVAILABLE',
  ],
  registerResend: [
    'ATTEMPT_NOT_FOUND',
    'ATTEMPT_EXPIRED',
    'ATTEMPT_STATE',
    'RESEND_TOO_SOON',
    'RESEND_LIMIT',
    'MAIL_UNAVAILABLE',
  ],
  registerCode: [
    'ATTEMPT_NOT_FOUND',
    'ATTEMPT_EXPIRED',
    'ATTEMPT_STATE',
    'CODE_WRONG',
    'CODE_EXPIRED',
    'CODE_TRIES_EXHAUSTED',
  ],
  registerCancel: ['ATTEMPT_NOT_FOUND'],
};

/** Statuses every /v1 route can answer, with the codes behind them. */
export const COMMON_ERRORS: readonly { readonly status: number; readonly why: string }[] = [
  { status: 400, why: 'VALIDATION_FAILED: malformed JSON, a wrong field, an unknown field' },
  { status: 413, why: 'VALIDATION_FAILED: the body is larger than the limit' },
  { status: 415, why: 'VALIDATION_FAILED: the body is not application/json' },
  { status: 429, why: 'RATE_LIMITED: too many requests from this address' },
  { status: 500, why: 'INTERNAL: a fault in the server (never a client mistake)' },
  {
    status: 503,
    why: 'SERVICE_UNAVAILABLE: the database is unreachable or not answering; Retry-After says when to try again',
  },
];

const errorRef = {
  description: 'An error: a stable code, the message to show and the next step.',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponse' } } },
};

/** The responses of one route: its success and every error status it can answer. */
function responsesOf(key: keyof typeof API_ROUTES, route: ApiRoute): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  const success = successStatusOf(route);
  responses[String(success)] =
    route.response === undefined
      ? { description: 'Done; no body.' }
      : {
          description: 'Success.',
          content: {
            'application/json': {
              schema: { $ref: `#/components/schemas/${nameOf(route.response)}` },
            },
          },
        };
  const statuses = new Map<number, string[]>();
  for (const { status, why } of COMMON_ERRORS) statuses.set(status, [why]);
  for (const code of ROUTE_ERRORS[key]) {
    const status = ERROR_STATUS[code];
    statuses.set(status, [...(statuses.get(status) ?? []), code]);
  }
  for (const [status, whys] of [...statuses].sort(([a], [b]) => a - b)) {
    responses[String(status)] = { ...errorRef, description: whys.join('; ') };
  }
  return responses;
}

/** A page of the "This wasn't me" link: HTML in every case, so the holder always reads words. */
const htmlPage = (description: string) => ({ description, content: { 'text/html': {} } });

/** The "This wasn't me" pages: HTML outside /v1, under the same per-address limit. */
function notMePaths(): Record<string, unknown> {
  const refused = {
    '404': htmlPage('NOT_ME_LINK_INVALID: no token, or one this server did not sign'),
    '409': htmlPage('NOT_ME_ALREADY_REPORTED: this unlock was reported already'),
    '410': htmlPage('NOT_ME_LINK_EXPIRED: past security.notMeLink.validDays'),
    '429': htmlPage('RATE_LIMITED'),
  };
  return {
    get: {
      summary:
        "The link's page: when the unlock was, and a button to report it. Changes nothing (mail scanners fetch links).",
      tags: ['holder'],
      parameters: [{ name: 'token', in: 'query', required: true, schema: { type: 'string' } }],
      responses: { '200': htmlPage('The page, with its form.'), ...refused },
    },
    post: {
      summary:
        "The page's button: freezes self-service unlock for the card, once per unlock; audited as holder.not-me.",
      tags: ['holder'],
      requestBody: {
        required: true,
        content: {
          'application/x-www-form-urlencoded': {
            schema: {
              type: 'object',
              properties: { token: { type: 'string' } },
              required: ['token'],
            },
          },
        },
      },
      responses: { '200': htmlPage('Frozen: what to do now.'), ...refused },
    },
  };
}

/** The OpenAPI 3.1 document of the whole HTTP surface, generated from the shared zod schemas. */
export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [key, route] of Object.entries(API_ROUTES) as [keyof typeof API_ROUTES, ApiRoute][]) {
    const operation: Record<string, unknown> = {
      operationId: key,
      summary: route.summary,
      tags: [key.startsWith('unlock') ? 'unlock' : 'registration'],
      responses: responsesOf(key, route),
    };
    if (route.path.includes('{attemptId}')) {
      operation.parameters = [
        {
          name: 'attemptId',
          in: 'path',
          required: true,
          schema: { type: 'string', pattern: ATTEMPT_ID_PATTERN.source },
        },
      ];
    }
    if (route.request !== undefined) {
      operation.requestBody = {
        required: true,
        content: {
          'application/json': {
            schema: { $ref: `#/components/schemas/${nameOf(route.request)}` },
          },
        },
      };
    }
    paths[route.path] = { ...paths[route.path], [route.method]: operation };
  }
  // Only the public listener's routes: /readyz and /metrics are on the operator listener.
  paths['/healthz'] = {
    get: {
      summary: 'Liveness: the process is serving requests.',
      tags: ['operations'],
      responses: {
        '200': {
          description: 'Healthy.',
          content: {
            'application/json': { schema: { $ref: '#/components/schemas/HealthResponse' } },
          },
        },
      },
    },
  };
  paths['/v1/status'] = {
    get: {
      summary:
        'Readiness for the workstation: the database answers, so holders can be served. Under /v1 and its limits.',
      tags: ['operations'],
      responses: {
        '200': {
          description: 'Ready.',
          content: {
            'application/json': { schema: { $ref: '#/components/schemas/HealthResponse' } },
          },
        },
        '429': { ...errorRef, description: 'RATE_LIMITED' },
        '503': { ...errorRef, description: 'SERVICE_UNAVAILABLE: the database is not answering.' },
      },
    },
  };
  paths[NOT_ME_PATH] = notMePaths();
  paths['/openapi.json'] = {
    get: {
      summary: 'This document.',
      tags: ['operations'],
      responses: { '200': { description: 'OpenAPI 3.1.', content: { 'application/json': {} } } },
    },
  };

  const schemas: Record<string, unknown> = {};
  const requestSchemas = new Set<z.ZodType>(
    Object.values(API_ROUTES).flatMap((r: ApiRoute) => (r.request ? [r.request] : [])),
  );
  for (const [name, schema] of NAMED_SCHEMAS) {
    schemas[name] = jsonSchema(schema, requestSchemas.has(schema) ? 'input' : 'output');
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'smartcard-unlock verification server',
      version: '1',
      description:
        'Self-service smartcard unlock and registration. JSON only; every error is `{ error: { code, message, nextStep, details? } }`. See docs/http-api.md.',
    },
    tags: [
      { name: 'unlock', description: 'Unlock a locked card.' },
      { name: 'registration', description: 'Register a card that is not locked.' },
      {
        name: 'holder',
        description:
          'The unlock notice\'s "This wasn\'t me" link: HTML pages for the holder, outside /v1 (docs/security-model.md).',
      },
      {
        name: 'operations',
        description:
          'Liveness, readiness for workstations (/v1/status) and this document. /readyz and metrics are on the operator listener, not here (docs/operations.md).',
      },
    ],
    paths,
    components: { schemas },
    'x-error-codes': Object.fromEntries(ERROR_CODES.map((code) => [code, ERROR_STATUS[code]])),
  };
}
