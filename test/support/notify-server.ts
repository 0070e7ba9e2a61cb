import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

/**
 * A local stand-in for GOV.UK Notify's API (docs/notify.md): the two send endpoints and the status
 * of one message, its API-key JWT check and its error bodies, as notifications-node-client meets
 * them. Messages, names and statuses follow alphagov/notifications-api.
 */

/** How the server misbehaves, as Notify or the network can. */
export type NotifyFault =
  /** Answers normally. */
  | 'none'
  /** 429 RateLimitError: more than the key type's requests a minute. */
  | 'rate-limited'
  /** 429 TooManyRequestsError: the service's daily allowance is spent. */
  | 'daily-limit'
  /** 500 Exception to every request, before the key is even checked. */
  | 'service-down'
  /** 400 BadRequestError for every recipient, as with a team-only key and an unlisted number. */
  | 'invalid-recipient'
  /** Reads each request and never answers it, until the fault changes or the server is disposed. */
  | 'hanging'
  /** Stops listening: connections are refused. */
  | 'connection-refused';

/** A template of the fake service; placeholders are written `((name))`, as in Notify. */
export interface NotifyTemplate {
  readonly type: 'sms' | 'email';
  readonly body: string;
  /** Emails only. */
  readonly subject?: string;
}

/** A message the server accepted, as Notify would have sent it. */
export interface NotifyNotification {
  readonly id: string;
  readonly type: 'sms' | 'email';
  /** The phone number or address exactly as the client sent it. */
  readonly recipient: string;
  readonly templateId: string;
  readonly personalisation: Readonly<Record<string, unknown>>;
  readonly reference: string | null;
  /** The template with its placeholders filled in: what the holder reads. */
  readonly body: string;
  readonly subject: string | null;
  readonly createdAt: string;
}

/** A request as the server saw it, in arrival order. */
export interface NotifyRequest {
  readonly method: string;
  readonly path: string;
  readonly userAgent: string | undefined;
  /** The fault in force when it arrived. */
  readonly fault: NotifyFault;
  /** The status answered; undefined while a hanging server holds it, or if the client gave up. */
  readonly status: number | undefined;
  /** Settles with the status answered, or `abandoned` when the client closed the connection first. */
  readonly settled: Promise<number | 'abandoned'>;
}

/** A running fake Notify service. */
export interface TestNotifyServer {
  /** The base URL to give the client in place of https://api.notifications.service.gov.uk. */
  readonly baseUrl: string;
  readonly serviceId: string;
  /** A valid key for this service, `{name}-{serviceId}-{secret}`. */
  readonly apiKey: string;
  readonly notifications: readonly NotifyNotification[];
  readonly requests: readonly NotifyRequest[];
  /** Resolves with the next accepted message (or one already accepted beyond `afterCount`). */
  nextNotification(afterCount?: number): Promise<NotifyNotification>;
  /** Resolves with the next request received, answered or not (or one beyond `afterCount`). */
  nextRequest(afterCount?: number): Promise<NotifyRequest>;
  /** Switches the fault; leaving `hanging` answers the held requests whose clients still wait. */
  setFault(fault: NotifyFault): Promise<void>;
  /** Stops listening and drops every connection, held ones included. */
  dispose(): Promise<void>;
}

/** What to start the server with; random identifiers unless given. */
export interface NotifyServerOptions {
  readonly serviceId?: string;
  readonly secret?: string;
  readonly keyName?: string;
  /** The service's templates by id; any other id is "Template not found". */
  readonly templates?: Readonly<Record<string, NotifyTemplate>>;
}

/** An API key as Notify issues it: the key's name, the service id, then the secret (both UUIDs). */
export function notifyApiKey(key: {
  readonly name: string;
  readonly serviceId: string;
  readonly secret: string;
}): string {
  return `${key.name}-${key.serviceId}-${key.secret}`;
}

interface ErrorReply {
  readonly status: number;
  readonly errors: readonly { readonly error: string; readonly message: string }[];
}

const fail = (status: number, error: string, message: string): ErrorReply => ({
  status,
  errors: [{ error, message }],
});

// Notify's own words, from app/authentication/auth.py.
const GENERAL_TOKEN_ERROR =
  'Invalid token: make sure your API token matches the example at https://docs.notifications.service.gov.uk/rest-api.html#authorisation-header';
const CLOCK_ERROR = 'Error: Your system clock must be accurate to within 30 seconds';
const TOKEN_BOUND_SECONDS = 30;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

const jsonObject = z.record(z.string(), z.unknown());

function decodeSegment(segment: string): Record<string, unknown> | undefined {
  if (!BASE64URL.test(segment)) return undefined;
  try {
    const parsed = jsonObject.safeParse(JSON.parse(Buffer.from(segment, 'base64url').toString()));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Notify's checks of the Authorization header, in its order; undefined when the token is good. */
function checkToken(
  header: string | undefined,
  serviceId: string,
  secret: string,
): ErrorReply | undefined {
  if (header === undefined || header === '') {
    return fail(401, 'AuthError', 'Unauthorized: authentication token must be provided');
  }
  if (header.slice(0, 7).toLowerCase() !== 'bearer ') {
    return fail(401, 'AuthError', 'Unauthorized: authentication bearer scheme must be used');
  }
  const parts = header.slice(7).split('.');
  const [head, body, signature] = parts;
  const decodedHead = head === undefined ? undefined : decodeSegment(head);
  const claims = body === undefined ? undefined : decodeSegment(body);
  if (parts.length !== 3 || decodedHead === undefined || claims === undefined) {
    return fail(403, 'AuthError', GENERAL_TOKEN_ERROR);
  }
  if (!('iss' in claims)) return fail(403, 'AuthError', 'Invalid token: iss field not provided');
  if (typeof claims.iss !== 'string' || !GUID.test(claims.iss)) {
    return fail(403, 'AuthError', 'Invalid token: service id is not the right data type');
  }
  if (claims.iss.toLowerCase() !== serviceId.toLowerCase()) {
    return fail(403, 'AuthError', 'Invalid token: service not found');
  }
  if (decodedHead.alg !== 'HS256') {
    return fail(403, 'AuthError', 'Invalid token: algorithm used is not HS256');
  }
  // Stricter than Notify, which ignores typ: the node client always sends "JWT".
  if (decodedHead.typ !== 'JWT') return fail(403, 'AuthError', GENERAL_TOKEN_ERROR);
  const expected = createHmac('sha256', secret).update(`${head}.${body}`).digest();
  const given =
    signature !== undefined && BASE64URL.test(signature)
      ? Buffer.from(signature, 'base64url')
      : Buffer.alloc(0);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return fail(403, 'AuthError', 'Invalid token: API key not found');
  }
  // A token without iat fails Notify's decode, which it reports as an unknown key.
  if (typeof claims.iat !== 'number') {
    return fail(403, 'AuthError', 'Invalid token: API key not found');
  }
  const now = Math.floor(Date.now() / 1000);
  if (Math.abs(now - Math.trunc(claims.iat)) > TOKEN_BOUND_SECONDS) {
    return fail(403, 'AuthError', CLOCK_ERROR);
  }
  return undefined;
}

const guid = z.string().regex(GUID);
const sendFields = {
  template_id: guid,
  personalisation: jsonObject.optional(),
  reference: z.string().max(1000).optional(),
  scheduled_for: z.string().nullable().optional(),
};
const smsRequestSchema = z.strictObject({
  ...sendFields,
  phone_number: z.string(),
  sms_sender_id: guid.optional(),
});
const emailRequestSchema = z.strictObject({
  ...sendFields,
  email_address: z.string(),
  email_reply_to_id: guid.optional(),
  one_click_unsubscribe_url: z.string().optional(),
  sanitise_content_for: z.array(z.string()).nullable().optional(),
});

/** zod's issues in the words of Notify's JSON-schema errors (ValidationError, 400). */
function validationErrors(issues: readonly z.core.$ZodIssue[], body: unknown): ErrorReply {
  const messages = issues.map((issue) => {
    const field = issue.path.map(String).join('.');
    const value = field === '' ? body : (body as Record<string, unknown>)[field];
    if (issue.code === 'unrecognized_keys') {
      return `Additional properties are not allowed (${issue.keys.join(', ')} was unexpected)`;
    }
    if (issue.code === 'invalid_type') {
      return value === undefined
        ? `${field} is a required property`
        : `${field} ${JSON.stringify(value)} is not of type ${issue.expected}`.trim();
    }
    if (issue.code === 'too_big') return `${field} ${String(value)} is too long`;
    // The only other check is the pattern of an id.
    return `${field} is not a valid UUID`;
  });
  return {
    status: 400,
    errors: [...new Set(messages)].map((message) => ({ error: 'ValidationError', message })),
  };
}

type PhoneVerdict = 'uk-mobile' | 'uk-not-mobile' | 'international' | ErrorReply;

/** Notify's reading of a number, simplified to a service without international texts. */
function checkPhoneNumber(number: string): PhoneVerdict {
  const invalid = (message: string) => fail(400, 'ValidationError', `phone_number ${message}`);
  const stripped = number.replace(/[\s()+-]/g, '');
  if (!/^\d+$/.test(stripped)) return invalid('Must not contain letters or symbols');
  let national: string;
  if (number.trim().startsWith('+') || stripped.startsWith('00')) {
    const international = stripped.replace(/^00/, '');
    if (!international.startsWith('44')) {
      if (international.length < 8) return invalid('Not enough digits');
      return international.length > 15 ? invalid('Too many digits') : 'international';
    }
    national = international.slice(2).replace(/^0/, '');
  } else if (stripped.startsWith('44') && stripped.length >= 12) {
    national = stripped.slice(2);
  } else {
    national = stripped.replace(/^0/, '');
  }
  if (national.length < 10) return invalid('Not enough digits');
  if (national.length > 10) return invalid('Too many digits');
  // Notify refuses UK landlines only: it would text 070 and 076 numbers, which the product refuses.
  return national.startsWith('7') ? 'uk-mobile' : 'uk-not-mobile';
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The template with `((name))` filled in (names match case- and space-blind), or what is missing. */
function render(
  text: string,
  personalisation: Readonly<Record<string, unknown>>,
): { text: string; missing: string[] } {
  const key = (name: string) => name.replace(/\s/g, '').toLowerCase();
  const values = new Map(Object.entries(personalisation).map(([k, v]) => [key(k), v]));
  const missing: string[] = [];
  const filled = text.replace(/\(\(([^()]+)\)\)/g, (_, name: string) => {
    const value = values.get(key(name));
    if (value === undefined || value === null) {
      if (!missing.includes(name.trim())) missing.push(name.trim());
      return '';
    }
    return typeof value === 'string' ? value : JSON.stringify(value);
  });
  return { text: filled, missing };
}

// Notify's test key reports these as failures (docs: API keys, test).
const SIMULATED_STATUS: Readonly<Record<string, string>> = {
  '+447700900002': 'permanent-failure',
  '+447700900003': 'temporary-failure',
  'perm-fail@simulator.notify': 'permanent-failure',
  'temp-fail@simulator.notify': 'temporary-failure',
};

function simulatedStatus(recipient: string): string {
  const digits = recipient.replace(/\D/g, '');
  const asUk = digits.startsWith('07') ? `+44${digits.slice(1)}` : `+${digits}`;
  return SIMULATED_STATUS[recipient.toLowerCase()] ?? SIMULATED_STATUS[asUk] ?? 'delivered';
}

interface MutableRequest extends Omit<NotifyRequest, 'status'> {
  status: number | undefined;
  readonly settle: (outcome: number | 'abandoned') => void;
}

interface HeldRequest {
  readonly seen: MutableRequest;
  readonly body: string;
  readonly authorization: string | undefined;
  readonly res: ServerResponse;
}

const BODY_LIMIT_BYTES = 1_000_000;

/** Starts the fake Notify on 127.0.0.1 and a free port. */
export async function startNotifyServer(
  options: NotifyServerOptions = {},
): Promise<TestNotifyServer> {
  const serviceId = options.serviceId ?? randomUUID();
  const secret = options.secret ?? randomUUID();
  const templates = options.templates ?? {};
  const notifications: NotifyNotification[] = [];
  const requests: MutableRequest[] = [];
  const notificationWaiters: { afterCount: number; resolve: (n: NotifyNotification) => void }[] =
    [];
  const requestWaiters: { afterCount: number; resolve: (r: NotifyRequest) => void }[] = [];
  let held: HeldRequest[] = [];
  let fault: NotifyFault = 'none';
  let baseUrl = '';

  const wake = <T>(
    list: readonly T[],
    waiters: { afterCount: number; resolve: (v: T) => void }[],
  ) => {
    for (const w of waiters.splice(0)) {
      if (list.length > w.afterCount) w.resolve(list[w.afterCount]!);
      else waiters.push(w);
    }
  };

  const reply = (seen: MutableRequest, res: ServerResponse, status: number, body: unknown) => {
    seen.status = status;
    seen.settle(status);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const replyError = (seen: MutableRequest, res: ServerResponse, e: ErrorReply) =>
    reply(seen, res, e.status, { status_code: e.status, errors: e.errors });

  const accept = (
    type: 'sms' | 'email',
    recipient: string,
    form: z.infer<typeof smsRequestSchema> | z.infer<typeof emailRequestSchema>,
  ): ErrorReply | NotifyNotification => {
    const template = templates[form.template_id.toLowerCase()] ?? templates[form.template_id];
    if (template === undefined) return fail(400, 'BadRequestError', 'Template not found');
    if (template.type !== type) {
      return fail(
        400,
        'BadRequestError',
        `${template.type} template is not suitable for ${type} notification`,
      );
    }
    const personalisation = form.personalisation ?? {};
    const body = render(template.body, personalisation);
    const subject = render(template.subject ?? '', personalisation);
    const missing = [...new Set([...subject.missing, ...body.missing])];
    if (missing.length > 0) {
      return fail(400, 'BadRequestError', `Missing personalisation: ${missing.join(', ')}`);
    }
    if (fault === 'invalid-recipient') {
      return fail(400, 'BadRequestError', 'Can’t send to this recipient using a team-only API key');
    }
    if (type === 'sms') {
      const verdict = checkPhoneNumber(recipient);
      if (verdict === 'uk-not-mobile') {
        return fail(400, 'InvalidPhoneError', 'Not a UK mobile number');
      }
      if (verdict === 'international') {
        return fail(400, 'BadRequestError', 'Cannot send to international mobile numbers');
      }
    }
    return {
      id: randomUUID(),
      type,
      recipient,
      templateId: form.template_id,
      personalisation,
      reference: form.reference ?? null,
      body: body.text,
      subject: type === 'email' ? subject.text : null,
      createdAt: new Date().toISOString(),
    };
  };

  const send = (type: 'sms' | 'email', seen: MutableRequest, text: string, res: ServerResponse) => {
    let json: unknown;
    try {
      // Notify reads an empty body, or null, as an empty object.
      json = text === '' ? {} : ((JSON.parse(text) as unknown) ?? {});
    } catch {
      replyError(seen, res, fail(400, 'BadRequestError', 'Invalid JSON supplied in POST data'));
      return;
    }
    const parsed =
      type === 'sms' ? smsRequestSchema.safeParse(json) : emailRequestSchema.safeParse(json);
    if (!parsed.success) {
      replyError(seen, res, validationErrors(parsed.error.issues, json));
      return;
    }
    const form = parsed.data;
    const recipient = 'phone_number' in form ? form.phone_number : form.email_address;
    if (type === 'sms') {
      const verdict = checkPhoneNumber(recipient);
      if (typeof verdict === 'object') return replyError(seen, res, verdict);
    } else if (!EMAIL.test(recipient)) {
      const message = 'email_address Not a valid email address';
      return replyError(seen, res, fail(400, 'ValidationError', message));
    }
    const outcome = accept(type, recipient, form);
    if ('errors' in outcome) return replyError(seen, res, outcome);
    notifications.push(outcome);
    const template = { id: outcome.templateId, version: 1 };
    const templateUri = `${baseUrl}/services/${serviceId}/templates/${outcome.templateId}`;
    const common = {
      id: outcome.id,
      reference: outcome.reference,
      uri: `${baseUrl}/v2/notifications/${outcome.id}`,
      template: { ...template, uri: templateUri },
      scheduled_for: null,
    };
    reply(
      seen,
      res,
      201,
      type === 'sms'
        ? { ...common, content: { body: outcome.body, from_number: 'GOVUK' } }
        : {
            ...common,
            content: {
              body: outcome.body,
              subject: outcome.subject,
              from_email: 'smartcard.unlock@notifications.service.gov.uk',
              one_click_unsubscribe_url: null,
            },
            sanitised_content: {},
          },
    );
    wake(notifications, notificationWaiters);
  };

  const notificationStatus = (id: string, seen: MutableRequest, res: ServerResponse) => {
    if (!GUID.test(id)) {
      const message = 'notification_id is not a valid UUID';
      return replyError(seen, res, fail(400, 'ValidationError', message));
    }
    const found = notifications.find((n) => n.id === id.toLowerCase());
    if (found === undefined) {
      return replyError(seen, res, fail(404, 'NoResultFound', 'No result found'));
    }
    const delivered = simulatedStatus(found.recipient);
    const lines = Object.fromEntries(
      ['line_1', 'line_2', 'line_3', 'line_4', 'line_5', 'line_6', 'postcode'].map((k) => [
        k,
        null,
      ]),
    );
    reply(seen, res, 200, {
      id: found.id,
      reference: found.reference,
      email_address: found.type === 'email' ? found.recipient : null,
      phone_number: found.type === 'sms' ? found.recipient : null,
      ...lines,
      postage: null,
      type: found.type,
      status: delivered,
      template: {
        id: found.templateId,
        version: 1,
        uri: `${baseUrl}/v2/template/${found.templateId}/version/1`,
      },
      body: found.body,
      subject: found.subject,
      created_at: found.createdAt,
      created_by_name: null,
      sent_at: found.createdAt,
      completed_at: found.createdAt,
      scheduled_for: null,
      is_cost_data_ready: true,
      cost_in_pounds: 0,
      cost_details: {},
    });
  };

  /** One request, answered as Notify would under the current fault. */
  const handle = (
    seen: MutableRequest,
    text: string,
    res: ServerResponse,
    authorization: string | undefined,
  ) => {
    if (fault === 'service-down') {
      return replyError(seen, res, fail(500, 'Exception', 'Internal server error'));
    }
    const route = /^\/v2\/notifications\/([^/?#]+)$/.exec(seen.path.split('?')[0] ?? '');
    const target = route?.[1];
    const isSend = seen.method === 'POST' && (target === 'sms' || target === 'email');
    if (target === undefined || !(isSend || seen.method === 'GET')) {
      const message = 'The requested URL was not found on the server.';
      return replyError(seen, res, fail(404, 'NotFound', message));
    }
    const authError = checkToken(authorization, serviceId, secret);
    if (authError !== undefined) return replyError(seen, res, authError);
    if (fault === 'rate-limited') {
      const message = 'Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds';
      return replyError(seen, res, fail(429, 'RateLimitError', message));
    }
    if (fault === 'daily-limit' && isSend) {
      const message = `Exceeded send limits (${target}: 250000) for today`;
      return replyError(seen, res, fail(429, 'TooManyRequestsError', message));
    }
    if (isSend) return send(target, seen, text, res);
    return notificationStatus(target, seen, res);
  };

  /** `handle`, with a bug in this fake answered as Notify answers its own: 500 Exception. */
  const serve = (
    seen: MutableRequest,
    text: string,
    res: ServerResponse,
    authorization: string | undefined,
  ) => {
    try {
      handle(seen, text, res, authorization);
    } catch {
      if (!res.headersSent) replyError(seen, res, fail(500, 'Exception', 'Internal server error'));
    }
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= BODY_LIMIT_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      let settle: (outcome: number | 'abandoned') => void = () => undefined;
      const settled = new Promise<number | 'abandoned'>((resolve) => {
        settle = resolve;
      });
      const seen: MutableRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        userAgent: req.headers['user-agent'],
        fault,
        status: undefined,
        settled,
        settle,
      };
      requests.push(seen);
      res.once('close', () => {
        if (seen.status !== undefined) return;
        held = held.filter((hold) => hold.seen !== seen);
        seen.settle('abandoned');
      });
      const text = Buffer.concat(chunks).toString('utf8');
      if (fault === 'hanging') {
        held.push({ seen, body: text, authorization: req.headers.authorization, res });
      } else if (size > BODY_LIMIT_BYTES) {
        replyError(seen, res, fail(413, 'BadRequestError', 'Request too large'));
      } else {
        serve(seen, text, res, req.headers.authorization);
      }
      wake(requests, requestWaiters);
    });
  });

  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });

  const port = await listen(0);
  baseUrl = `http://127.0.0.1:${port}`;
  let listening = true;

  const releaseHeld = () => {
    const waiting = held;
    held = [];
    for (const hold of waiting) {
      // A client that gave up has closed its socket: Notify never learns of its request either.
      if (hold.res.destroyed || hold.res.socket === null || hold.res.socket.destroyed) continue;
      serve(hold.seen, hold.body, hold.res, hold.authorization);
    }
  };

  return {
    baseUrl,
    serviceId,
    apiKey: notifyApiKey({ name: options.keyName ?? 'smartcard-unlock-test', serviceId, secret }),
    notifications,
    requests,
    nextNotification(afterCount = notifications.length) {
      if (notifications.length > afterCount) return Promise.resolve(notifications[afterCount]!);
      return new Promise((resolve) => notificationWaiters.push({ afterCount, resolve }));
    },
    nextRequest(afterCount = requests.length) {
      if (requests.length > afterCount) return Promise.resolve(requests[afterCount]!);
      return new Promise((resolve) => requestWaiters.push({ afterCount, resolve }));
    },
    async setFault(next) {
      fault = next;
      if (next === 'connection-refused') {
        held = [];
        if (listening) {
          listening = false;
          await close();
        }
        return;
      }
      if (!listening) {
        await listen(port);
        listening = true;
      }
      if (next !== 'hanging') releaseHeld();
    },
    async dispose() {
      held = [];
      if (listening) {
        listening = false;
        await close();
      }
    },
  };
}
