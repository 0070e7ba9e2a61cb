import { readFileSync } from 'node:fs';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import axios, { type AxiosInstance } from 'axios';
import type { z } from 'zod';
import { appError, type AppError } from '../../shared/errors';
import {
  API_ROUTES,
  type Answer,
  type ApprovalIssued,
  type ApprovalStatus,
  type answersAcceptedSchema,
  type CodeDelivery,
  type CodeVerified,
  type DeliveryChannel,
  type UnblockAuthorisation,
  type outcomeRequestSchema,
  type registrationProofResponseSchema,
  type startAttemptResponseSchema,
  type unlockProofResponseSchema,
  type unlockServiceResponseSchema,
} from '../../shared/http-api';
import { err, ok, type Result } from '../../shared/result';
import type { Logger } from '../logging/logger';
import { directTransport, proxyInEnvironment } from './direct-transport';
import { isTransient, statusError, transportError } from './server-errors';

/** A server call's outcome: the parsed response, or an error value worded for the screen. */
export type ServerResult<T> = Result<T, AppError>;

type StartAttempt = z.infer<typeof startAttemptResponseSchema>;
type UnlockProof = z.infer<typeof unlockProofResponseSchema>;
/** Right answers: the code was sent, or the holder chooses where it goes first. */
export type AnswersAccepted = z.infer<typeof answersAcceptedSchema>;
type UnlockService = z.infer<typeof unlockServiceResponseSchema>;
type RegistrationProof = z.infer<typeof registrationProofResponseSchema>;
export type Outcome = z.infer<typeof outcomeRequestSchema>;

/** The verification server's API as the flows use it: one function per route of `API_ROUTES`. */
export interface ServerClient {
  unlockService(): Promise<ServerResult<UnlockService>>;
  unlockStart(cardId: string): Promise<ServerResult<StartAttempt>>;
  unlockProof(attemptId: string, signatureDer: Uint8Array): Promise<ServerResult<UnlockProof>>;
  unlockAnswers(
    attemptId: string,
    answers: readonly Answer[],
  ): Promise<ServerResult<AnswersAccepted>>;
  unlockChannel(attemptId: string, channel: DeliveryChannel): Promise<ServerResult<CodeDelivery>>;
  unlockResend(attemptId: string): Promise<ServerResult<CodeDelivery>>;
  unlockCode(attemptId: string, code: string): Promise<ServerResult<CodeVerified>>;
  /** Asks the desk to approve the attempt: a reference to read aloud (ADR 0025). */
  unlockApproval(attemptId: string): Promise<ServerResult<ApprovalIssued>>;
  /** Whether the desk has approved; a read, so retried like the others. */
  unlockApprovalStatus(attemptId: string): Promise<ServerResult<ApprovalStatus>>;
  unlockUnblock(attemptId: string): Promise<ServerResult<UnblockAuthorisation>>;
  unlockOutcome(attemptId: string, outcome: Outcome): Promise<ServerResult<void>>;
  unlockCancel(attemptId: string): Promise<ServerResult<void>>;
  registerStart(cardId: string): Promise<ServerResult<StartAttempt>>;
  registerProof(
    attemptId: string,
    signatureDer: Uint8Array,
  ): Promise<ServerResult<RegistrationProof>>;
  registerAnswers(
    attemptId: string,
    answers: readonly Answer[],
  ): Promise<ServerResult<CodeDelivery>>;
  registerResend(attemptId: string): Promise<ServerResult<CodeDelivery>>;
  registerCode(attemptId: string, code: string): Promise<ServerResult<void>>;
  registerCancel(attemptId: string): Promise<ServerResult<void>>;
}

/** The routes every attempt flow has, after its name (`unlockStart`, `registerStart`, …). */
type AttemptAction = 'Start' | 'Proof' | 'Answers' | 'Resend' | 'Code' | 'Cancel';

/** How to reach the server. */
export interface ServerClientOptions {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  /** A PEM file: when set, only this certificate authority is trusted for the server (pinning). */
  readonly caCertificateFile?: string | null;
  readonly logger: Logger;
  /** How requests name the app to the server's and proxies' logs: `smartcard-unlock/<version>`. */
  readonly userAgent?: string;
  /** Tries for routes that are harmless to repeat (default 3), and the pause before each retry. */
  readonly retries?: number;
  readonly retryDelayMs?: (attempt: number) => number;
}

type RouteName = keyof typeof API_ROUTES;

/**
 * Routes safe to repeat when an answer is lost: reads, cancel, the outcome (one per attempt) and
 * the unblock (same release again, counted once); any other may have taken effect, so never
 * repeated.
 */
const REPEATABLE: ReadonlySet<RouteName> = new Set([
  'unlockUnblock',
  'unlockOutcome',
  'unlockCancel',
  'registerCancel',
]);

const toBase64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/**
 * Far above the largest answer (a proof's questions and contacts: a few kB), so a wrong server
 * cannot fill the app's memory.
 */
const MAX_ANSWER_BYTES = 1024 * 1024;

/**
 * The longest a kept-alive connection idles. With a timeout, Node's agent also closes an idle
 * connection a second before the server's announced `Keep-Alive: timeout` (without, it ignores it),
 * so a request is not written on a connection the server is closing.
 */
const IDLE_CONNECTION_MS = 15_000;

/** Builds the server client on axios. */
export function createServerClient(options: ServerClientOptions): ServerClient {
  const direct = !proxyInEnvironment();
  // Through a proxy, axios hands the agent's options to its proxy agent, where a timeout means
  // another thing (the tunnel's set-up): that path keeps its agents as they always were.
  const idle = direct ? { timeout: IDLE_CONNECTION_MS } : {};
  const https = new HttpsAgent({
    keepAlive: true,
    ...idle,
    ...(options.caCertificateFile ? { ca: readFileSync(options.caCertificateFile) } : {}),
  });
  const plain = new HttpAgent({ keepAlive: true, ...idle });
  const base = new URL(options.baseUrl);
  const http: AxiosInstance = axios.create({
    baseURL: options.baseUrl.replace(/\/+$/, ''),
    timeout: options.timeoutMs,
    httpAgent: plain,
    httpsAgent: https,
    // A proxy named in the environment is axios's to reach, as it always was.
    ...(direct
      ? {
          adapter: directTransport({
            base,
            agent: base.protocol === 'https:' ? https : plain,
            maxResponseBytes: MAX_ANSWER_BYTES,
          }),
        }
      : {}),
    maxContentLength: MAX_ANSWER_BYTES,
    maxRedirects: 0,
    responseType: 'json',
    headers: { Accept: 'application/json', 'User-Agent': options.userAgent ?? 'smartcard-unlock' },
    // Every status is handled below, as a value.
    validateStatus: () => true,
  });
  const retries = options.retries ?? 3;
  const delay = options.retryDelayMs ?? ((n: number) => 250 * 2 ** n);

  async function once(
    route: RouteName,
    path: string,
    body: unknown,
  ): Promise<ServerResult<unknown>> {
    const spec = API_ROUTES[route];
    const started = Date.now();
    let status: number;
    let data: unknown;
    try {
      const response = await http.request({
        method: spec.method,
        url: path,
        ...(body === undefined ? {} : { data: body }),
      });
      status = response.status;
      data = response.data;
    } catch (error) {
      const e = error as { code?: string; cause?: { code?: string } };
      const mapped = transportError(e.code, e.cause?.code);
      options.logger.warn('server request failed', {
        route,
        errorCode: mapped.code,
        transportCode: e.code ?? e.cause?.code ?? 'unknown',
        ms: Date.now() - started,
      });
      return err(mapped);
    }
    if (status < 200 || status >= 300) {
      const mapped = statusError(status, data);
      options.logger.info('server refused', { route, status, errorCode: mapped.code });
      return err(mapped);
    }
    options.logger.debug('server answered', { route, status, ms: Date.now() - started });
    if (!('response' in spec)) return ok(undefined);
    const parsed = spec.response.safeParse(data);
    if (!parsed.success) {
      options.logger.error('server response does not match the API', {
        route,
        status,
        path: parsed.error.issues[0]?.path.join('.') ?? '',
      });
      return err(appError('SERVER_ERROR'));
    }
    return ok(parsed.data);
  }

  async function call(
    route: RouteName,
    attemptId: string | null,
    body?: unknown,
  ): Promise<ServerResult<unknown>> {
    const spec = API_ROUTES[route];
    if ('request' in spec && body !== undefined) {
      // What we send is checked too: a bad value never leaves the machine.
      const parsed = spec.request.safeParse(body);
      if (!parsed.success) return err(appError('VALIDATION_FAILED'));
      body = parsed.data;
    }
    const path =
      attemptId === null
        ? spec.path
        : spec.path.replace('{attemptId}', encodeURIComponent(attemptId));
    const tries = REPEATABLE.has(route) || (spec.method as string) === 'get' ? retries : 1;
    let result = await once(route, path, body);
    for (let n = 1; n < tries && !result.ok && isTransient(result.error); n += 1) {
      await new Promise((resolve) => setTimeout(resolve, delay(n)));
      result = await once(route, path, body);
    }
    return result;
  }

  const typed =
    <T>(route: RouteName) =>
    (attemptId: string | null, body?: unknown): Promise<ServerResult<T>> =>
      call(route, attemptId, body) as Promise<ServerResult<T>>;

  /** The calls every attempt flow has, on the API routes its name begins (`unlock` → `unlockStart`). */
  const attemptCalls = <F extends 'unlock' | 'register'>(flow: F) => {
    const route = (action: AttemptAction): RouteName => `${flow}${action}`;
    const calls: Record<AttemptAction, (...args: never[]) => Promise<ServerResult<unknown>>> = {
      Start: (cardId: string) => call(route('Start'), null, { cardId }),
      Proof: (id: string, signature: Uint8Array) =>
        call(route('Proof'), id, { signature: toBase64(signature) }),
      Answers: (id: string, answers: readonly Answer[]) => call(route('Answers'), id, { answers }),
      Resend: (id: string) => call(route('Resend'), id),
      Code: (id: string, code: string) => call(route('Code'), id, { code }),
      Cancel: (id: string) => call(route('Cancel'), id),
    };
    // `call` parsed each response with its route's schema: the method's name gives its type.
    const named = Object.entries(calls).map(([action, fn]) => [`${flow}${action}`, fn]);
    return Object.fromEntries(named) as Pick<ServerClient, `${F}${AttemptAction}`>;
  };

  return {
    unlockService: () => typed<UnlockService>('unlockService')(null),
    ...attemptCalls('unlock'),
    unlockChannel: (id, channel) => typed<CodeDelivery>('unlockChannel')(id, { channel }),
    unlockApproval: (id) => typed<ApprovalIssued>('unlockApproval')(id),
    unlockApprovalStatus: (id) => typed<ApprovalStatus>('unlockApprovalStatus')(id),
    unlockUnblock: (id) => typed<UnblockAuthorisation>('unlockUnblock')(id),
    unlockOutcome: (id, outcome) => typed<void>('unlockOutcome')(id, outcome),
    ...attemptCalls('register'),
  };
}
