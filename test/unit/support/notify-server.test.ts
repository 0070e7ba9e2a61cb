import { createHmac, randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  notifyApiKey,
  startNotifyServer,
  type TestNotifyServer,
} from '../../support/notify-server';

/**
 * The fake GOV.UK Notify, driven with plain fetch and a JWT signed here, independently of the
 * server's code. Once notifications-node-client is installed, a test with the real client belongs
 * here too.
 */

const SERVICE_ID = randomUUID();
const SECRET = randomUUID();
const SMS_TEMPLATE = randomUUID();
const EMAIL_TEMPLATE = randomUUID();

type Json = Record<string, unknown>;

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A Notify API token, as the node client signs it unless told otherwise. */
function token(
  claims: Json = { iss: SERVICE_ID, iat: Math.floor(Date.now() / 1000) },
  {
    secret = SECRET,
    header = { typ: 'JWT', alg: 'HS256' },
  }: { secret?: string; header?: Json } = {},
): string {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

let notify: TestNotifyServer;

beforeEach(async () => {
  notify = await startNotifyServer({
    serviceId: SERVICE_ID,
    secret: SECRET,
    templates: {
      [SMS_TEMPLATE]: { type: 'sms', body: 'Your Smartcard Unlock Code is ((code)).' },
      [EMAIL_TEMPLATE]: {
        type: 'email',
        subject: 'Smartcard Unlock Code for ((name))',
        body: 'Smartcard Unlock Code: ((code))',
      },
    },
  });
});

afterEach(async () => {
  await notify.dispose();
});

async function call(
  path: string,
  body?: unknown,
  authorization: string | null = `Bearer ${token()}`,
  signal?: AbortSignal,
): Promise<{ status: number; json: Json }> {
  const response = await fetch(`${notify.baseUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      'content-type': 'application/json',
      ...(authorization === null ? {} : { authorization }),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    signal,
  });
  return { status: response.status, json: (await response.json()) as Json };
}

const sms = (extra: Json = {}) => ({
  phone_number: '+447700900123',
  template_id: SMS_TEMPLATE,
  personalisation: { code: 'ABCD2345' },
  reference: 'attempt-1',
  ...extra,
});

const notifyError = (status: number, error: string, message: unknown) => ({
  status,
  json: { status_code: status, errors: [{ error, message }] },
});

describe('the fake Notify: sending', () => {
  it('accepts a text message, records it and answers 201 in Notify’s shape', async () => {
    const next = notify.nextNotification();
    const { status, json } = await call('/v2/notifications/sms', sms());
    expect(status).toBe(201);
    expect(json).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      reference: 'attempt-1',
      content: { body: 'Your Smartcard Unlock Code is ABCD2345.', from_number: 'GOVUK' },
      uri: `${notify.baseUrl}/v2/notifications/${String(json.id)}`,
      template: {
        id: SMS_TEMPLATE,
        version: 1,
        uri: `${notify.baseUrl}/services/${SERVICE_ID}/templates/${SMS_TEMPLATE}`,
      },
      scheduled_for: null,
    });
    const recorded = await next;
    expect(recorded).toMatchObject({
      id: json.id,
      type: 'sms',
      recipient: '+447700900123',
      templateId: SMS_TEMPLATE,
      personalisation: { code: 'ABCD2345' },
      reference: 'attempt-1',
      body: 'Your Smartcard Unlock Code is ABCD2345.',
    });
    expect(notify.notifications).toEqual([recorded]);
  });

  it('accepts an email with its subject, and a reference is optional', async () => {
    const { status, json } = await call('/v2/notifications/email', {
      email_address: 'john.rigby@nhs.net',
      template_id: EMAIL_TEMPLATE,
      personalisation: { code: 'ABCD2345', name: 'Mr John Rigby' },
    });
    expect(status).toBe(201);
    expect(json).toMatchObject({
      reference: null,
      content: {
        subject: 'Smartcard Unlock Code for Mr John Rigby',
        body: 'Smartcard Unlock Code: ABCD2345',
        from_email: expect.stringContaining('@'),
      },
      sanitised_content: {},
    });
    expect(notify.notifications[0]).toMatchObject({
      type: 'email',
      recipient: 'john.rigby@nhs.net',
      subject: 'Smartcard Unlock Code for Mr John Rigby',
    });
  });

  it('answers the status of a message it accepted, and 404 or 400 for other ids', async () => {
    const sent = await call('/v2/notifications/sms', sms());
    const { status, json } = await call(`/v2/notifications/${String(sent.json.id)}`);
    expect(status).toBe(200);
    expect(json).toMatchObject({
      id: sent.json.id,
      type: 'sms',
      phone_number: '+447700900123',
      email_address: null,
      status: 'delivered',
      body: 'Your Smartcard Unlock Code is ABCD2345.',
      reference: 'attempt-1',
    });
    expect(await call(`/v2/notifications/${randomUUID()}`)).toEqual(
      notifyError(404, 'NoResultFound', 'No result found'),
    );
    expect(await call('/v2/notifications/not-an-id')).toEqual(
      notifyError(400, 'ValidationError', 'notification_id is not a valid UUID'),
    );
  });

  it('reports the test key’s failing number as a permanent failure', async () => {
    const sent = await call('/v2/notifications/sms', sms({ phone_number: '07700900002' }));
    const { json } = await call(`/v2/notifications/${String(sent.json.id)}`);
    expect(json.status).toBe('permanent-failure');
  });

  it('resolves a wait for the next message on the event, not before', async () => {
    const next = notify.nextNotification();
    const early = await Promise.race([next.then(() => 'resolved'), Promise.resolve('pending')]);
    expect(early).toBe('pending');
    await call('/v2/notifications/sms', sms({ reference: 'second' }));
    expect((await next).reference).toBe('second');
    const after = notify.nextNotification(0);
    expect((await after).reference).toBe('second');
  });
});

describe('the fake Notify: the API key’s token', () => {
  it('gives a key the node client splits into the same service id and secret', () => {
    const key = notifyApiKey({ name: 'unlock', serviceId: SERVICE_ID, secret: SECRET });
    expect(key).toBe(`unlock-${SERVICE_ID}-${SECRET}`);
    expect(key.substring(key.length - 36)).toBe(SECRET);
    expect(key.substring(key.length - 73, key.length - 37)).toBe(SERVICE_ID);
    expect(notify.apiKey.substring(notify.apiKey.length - 73, notify.apiKey.length - 37)).toBe(
      SERVICE_ID,
    );
  });

  const now = () => Math.floor(Date.now() / 1000);
  it.each([
    ['no header', null, 401, 'Unauthorized: authentication token must be provided'],
    [
      'another scheme',
      `Basic ${token()}`,
      401,
      'Unauthorized: authentication bearer scheme must be used',
    ],
    ['a token that is not a JWT', 'Bearer not-a-token', 403, /^Invalid token: make sure/],
    [
      'the wrong secret',
      `Bearer ${token(undefined, { secret: randomUUID() })}`,
      403,
      'Invalid token: API key not found',
    ],
    [
      'another service',
      `Bearer ${token({ iss: randomUUID(), iat: now() })}`,
      403,
      'Invalid token: service not found',
    ],
    [
      'an iss that is not a service id',
      `Bearer ${token({ iss: 'me', iat: now() })}`,
      403,
      'Invalid token: service id is not the right data type',
    ],
    ['no iss', `Bearer ${token({ iat: now() })}`, 403, 'Invalid token: iss field not provided'],
    ['no iat', `Bearer ${token({ iss: SERVICE_ID })}`, 403, 'Invalid token: API key not found'],
    [
      'an iat 31 s old',
      `Bearer ${token({ iss: SERVICE_ID, iat: now() - 31 })}`,
      403,
      'Error: Your system clock must be accurate to within 30 seconds',
    ],
    [
      'an iat 60 s ahead',
      `Bearer ${token({ iss: SERVICE_ID, iat: now() + 60 })}`,
      403,
      'Error: Your system clock must be accurate to within 30 seconds',
    ],
    [
      'HS512',
      `Bearer ${token(undefined, { header: { typ: 'JWT', alg: 'HS512' } })}`,
      403,
      'Invalid token: algorithm used is not HS256',
    ],
    [
      'alg none',
      `Bearer ${token(undefined, { header: { typ: 'JWT', alg: 'none' } })}`,
      403,
      'Invalid token: algorithm used is not HS256',
    ],
    [
      'no typ',
      `Bearer ${token(undefined, { header: { alg: 'HS256' } })}`,
      403,
      /^Invalid token: make sure/,
    ],
  ] as const)(
    'refuses %s like Notify, and records nothing',
    async (_, authorization, status, message) => {
      const { status: got, json } = await call('/v2/notifications/sms', sms(), authorization);
      expect({ status: got, json }).toEqual(
        notifyError(status, 'AuthError', expect.stringMatching(message)),
      );
      expect(notify.notifications).toEqual([]);
    },
  );

  it('refuses a token whose claims were changed after signing', async () => {
    const [head, , signature] = token().split('.');
    const forged = `${head}.${b64({ iss: SERVICE_ID, iat: Math.floor(Date.now() / 1000) + 1 })}.${signature}`;
    expect(await call('/v2/notifications/sms', sms(), `Bearer ${forged}`)).toEqual(
      notifyError(403, 'AuthError', 'Invalid token: API key not found'),
    );
  });

  it('accepts a token issued up to 30 s ago, and a lower-case scheme', async () => {
    const iat = Math.floor(Date.now() / 1000) - 25;
    const { status } = await call(
      '/v2/notifications/sms',
      sms(),
      `bearer ${token({ iss: SERVICE_ID, iat })}`,
    );
    expect(status).toBe(201);
  });
});

describe('the fake Notify: requests it refuses', () => {
  it.each([
    [
      'letters in the number',
      { phone_number: '07700 9OO123' },
      'ValidationError',
      'phone_number Must not contain letters or symbols',
    ],
    [
      'too few digits',
      { phone_number: '0770090012' },
      'ValidationError',
      'phone_number Not enough digits',
    ],
    [
      'too many digits',
      { phone_number: '+4477009001234' },
      'ValidationError',
      'phone_number Too many digits',
    ],
    [
      'a landline',
      { phone_number: '020 7946 0000' },
      'InvalidPhoneError',
      'Not a UK mobile number',
    ],

    [
      'a French mobile',
      { phone_number: '+33 6 12 34 56 78' },
      'BadRequestError',
      'Cannot send to international mobile numbers',
    ],
    ['an unknown template', { template_id: randomUUID() }, 'BadRequestError', 'Template not found'],
    [
      'an email template',
      { template_id: EMAIL_TEMPLATE },
      'BadRequestError',
      'email template is not suitable for sms notification',
    ],
    [
      'a missing placeholder',
      { personalisation: { other: 'x' } },
      'BadRequestError',
      'Missing personalisation: code',
    ],
    [
      'no template id',
      { template_id: undefined },
      'ValidationError',
      'template_id is a required property',
    ],
    [
      'a template id that is not a UUID',
      { template_id: 'abc' },
      'ValidationError',
      'template_id is not a valid UUID',
    ],
    [
      'an unknown field',
      { colour: 'red' },
      'ValidationError',
      'Additional properties are not allowed (colour was unexpected)',
    ],
    [
      'a reference over 1000 characters',
      { reference: 'r'.repeat(1001) },
      'ValidationError',
      `reference ${'r'.repeat(1001)} is too long`,
    ],
    [
      'personalisation that is not an object',
      { personalisation: 'ABCD2345' },
      'ValidationError',
      'personalisation "ABCD2345" is not of type record',
    ],
  ] as const)('answers 400 for %s', async (_, change, error, message) => {
    const body = JSON.parse(JSON.stringify(sms(change))) as Json;
    expect(await call('/v2/notifications/sms', body)).toEqual(notifyError(400, error, message));
    expect(notify.notifications).toEqual([]);
  });

  it('answers 400 for a bad email address and for a body that is not JSON', async () => {
    expect(
      await call('/v2/notifications/email', { email_address: 'john', template_id: EMAIL_TEMPLATE }),
    ).toEqual(notifyError(400, 'ValidationError', 'email_address Not a valid email address'));
    expect(await call('/v2/notifications/sms', '{"phone_number":')).toEqual(
      notifyError(400, 'BadRequestError', 'Invalid JSON supplied in POST data'),
    );
  });

  it('lists every missing field of an empty body', async () => {
    const { status, json } = await call('/v2/notifications/sms', {});
    expect(status).toBe(400);
    expect(json.errors).toEqual([
      { error: 'ValidationError', message: 'template_id is a required property' },
      { error: 'ValidationError', message: 'phone_number is a required property' },
    ]);
  });
});

describe('the fake Notify: faults', () => {
  it.each([
    [
      'rate-limited',
      429,
      'RateLimitError',
      'Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds',
    ],
    ['daily-limit', 429, 'TooManyRequestsError', 'Exceeded send limits (sms: 250000) for today'],
    ['service-down', 500, 'Exception', 'Internal server error'],
    [
      'invalid-recipient',
      400,
      'BadRequestError',
      'Can’t send to this recipient using a team-only API key',
    ],
  ] as const)(
    'when %s, answers %i %s and records nothing',
    async (fault, status, error, message) => {
      await notify.setFault(fault);
      expect(await call('/v2/notifications/sms', sms())).toEqual(
        notifyError(status, error, message),
      );
      expect(notify.notifications).toEqual([]);
      await notify.setFault('none');
      expect((await call('/v2/notifications/sms', sms())).status).toBe(201);
      expect(notify.requests.map((r) => [r.fault, r.status])).toEqual([
        [fault, status],
        ['none', 201],
      ]);
    },
  );

  it('checks the key before saying it is rate limited', async () => {
    await notify.setFault('rate-limited');
    const stale = `Bearer ${token({ iss: SERVICE_ID, iat: Math.floor(Date.now() / 1000) - 60 })}`;
    expect((await call('/v2/notifications/sms', sms(), stale)).status).toBe(403);
  });

  it('when hanging, holds the request unanswered until the fault is lifted', async () => {
    await notify.setFault('hanging');
    const arrived = notify.nextRequest();
    const answer = call('/v2/notifications/sms', sms());
    const request = await arrived;
    expect(request).toMatchObject({
      method: 'POST',
      path: '/v2/notifications/sms',
      fault: 'hanging',
    });
    expect(request.status).toBeUndefined();
    expect(notify.notifications).toEqual([]);
    await notify.setFault('none');
    expect((await answer).status).toBe(201);
    expect(notify.notifications).toHaveLength(1);
    expect(await request.settled).toBe(201);
  });

  it('when hanging, drops a request whose client gave up before the fault was lifted', async () => {
    await notify.setFault('hanging');
    const arrived = notify.nextRequest();
    const controller = new AbortController();
    const answer = call('/v2/notifications/sms', sms(), undefined, controller.signal);
    const request = await arrived;
    controller.abort();
    await expect(answer).rejects.toThrow();
    expect(await request.settled).toBe('abandoned');
    await notify.setFault('none');
    expect((await call('/v2/notifications/sms', sms({ reference: 'after' }))).status).toBe(201);
    expect(notify.notifications.map((n) => n.reference)).toEqual(['after']);
  });

  it('when refusing connections, fetch fails; afterwards the same URL answers again', async () => {
    await notify.setFault('connection-refused');
    await expect(call('/v2/notifications/sms', sms())).rejects.toMatchObject({
      cause: { code: 'ECONNREFUSED' },
    });
    await notify.setFault('none');
    expect((await call('/v2/notifications/sms', sms())).status).toBe(201);
  });

  it('drops held requests when disposed', async () => {
    await notify.setFault('hanging');
    const arrived = notify.nextRequest();
    const answer = call('/v2/notifications/sms', sms());
    await arrived;
    await notify.dispose();
    await expect(answer).rejects.toThrow();
    await expect(call('/v2/notifications/sms', sms())).rejects.toThrow();
  });
});
