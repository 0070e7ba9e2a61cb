import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_HELP_CONTACTS } from '../../../../src/shared/help';
import { notifySettingsSchema } from '../../../../server/delivery/delivery-settings';
import { holderDelivery } from '../../../../server/delivery/holder-delivery';
import { createNotifySender } from '../../../../server/delivery/notify-sender';
import type { HolderMessage } from '../../../../server/domain/delivery-port';
import type { Mailer } from '../../../../server/mail/mailer';
import {
  notifyApiKey,
  startNotifyServer,
  type NotifyFault,
  type TestNotifyServer,
} from '../../../support/notify-server';
import { capturingLogger } from '../domain/harness';

const SMS = { code: randomUUID(), unlockedNotice: randomUUID(), registeredNotice: randomUUID() };
const EMAIL = { code: randomUUID(), unlockedNotice: randomUUID(), registeredNotice: randomUUID() };
const NUMBER = '+447700900321';
const CODE = 'K7PQ3MXZ';

let notify: TestNotifyServer;
beforeAll(async () => {
  notify = await startNotifyServer({
    templates: {
      [SMS.code]: { type: 'sms', body: '((body))' },
      [SMS.unlockedNotice]: { type: 'sms', body: '((body))' },
      [EMAIL.code]: { type: 'email', subject: '((subject))', body: '((body))' },
    },
  });
});
afterAll(() => notify.dispose());

/** The delivery a server with these Notify settings builds; SMTP must never be asked. */
function deliveryTo(overrides: { apiKey?: string; baseUrl?: string; timeoutMs?: number } = {}) {
  const logger = capturingLogger();
  const settings = notifySettingsSchema.parse({
    apiKey: overrides.apiKey ?? notify.apiKey,
    baseUrl: overrides.baseUrl ?? notify.baseUrl,
    timeoutMs: overrides.timeoutMs ?? 5_000,
    templates: { sms: SMS, email: EMAIL },
  });
  const mailer: Mailer = {
    send: () => Promise.reject(new Error('email must go through Notify here')),
    close: () => undefined,
  };
  const delivery = holderDelivery({
    mailer,
    emailVia: 'notify',
    notify: { sender: createNotifySender(settings, logger), settings },
    help: DEMO_HELP_CONTACTS,
    logger,
    publicUrl: 'https://smartcard-unlock.example.nhs.uk',
  });
  return { delivery, logger };
}

const codeBy = (channel: 'sms' | 'email'): HolderMessage => ({
  channel,
  to: channel === 'sms' ? NUMBER : 'john.rigby@nhs.net',
  purpose: 'unlock-code',
  holderName: 'Mr John Rigby',
  code: CODE,
  validMinutes: 10,
  reference: 'req-42',
});

/** Proves no log line holds the code, the number (in any form) or the key's secret. */
function expectNothingSecret(lines: readonly string[]): void {
  const text = lines.join('\n');
  expect(text).not.toContain(CODE);
  expect(text).not.toContain('K7PQ 3MXZ');
  expect(text).not.toContain('7700900321');
  expect(text).not.toContain('07700 900321');
  expect(text).not.toContain(notify.apiKey.slice(-36));
}

describe('sending through GOV.UK Notify with notifications-node-client', () => {
  it('when a code goes by text, then Notify gets the E.164 number, our words with the code, and the request id as reference', async () => {
    const { delivery, logger } = deliveryTo();
    const before = notify.notifications.length;
    expect(await delivery.send(codeBy('sms'))).toBe('sent');
    const sms = await notify.nextNotification(before);
    expect(sms).toMatchObject({
      type: 'sms',
      recipient: NUMBER,
      templateId: SMS.code,
      reference: 'req-42',
      personalisation: { code: 'K7PQ 3MXZ', name: 'Mr John Rigby', valid_minutes: '10' },
    });
    expect(sms.body).toBe(
      'Your Smartcard Unlock Code is K7PQ 3MXZ. It can be used once and expires in 10 minutes. Do not share it. If this was not you, call the IT service desk on x4050.',
    );
    expect(notify.requests.at(-1)?.userAgent).toMatch(/^NOTIFY-API-NODE-CLIENT\//);
    expectNothingSecret(logger.lines);
  });

  it('when email goes through Notify, then the email template gets our subject and text', async () => {
    const { delivery } = deliveryTo();
    const before = notify.notifications.length;
    expect(await delivery.send(codeBy('email'))).toBe('sent');
    const email = await notify.nextNotification(before);
    expect(email).toMatchObject({
      type: 'email',
      recipient: 'john.rigby@nhs.net',
      templateId: EMAIL.code,
      subject: 'Your Smartcard Unlock Code',
    });
    expect(email.body).toContain('Smartcard Unlock Code: K7PQ 3MXZ');
    expect(email.body).toContain('Dear Mr John Rigby,');
  });

  it('when a notice goes by text, then it uses the notice template and carries no code', async () => {
    const { delivery } = deliveryTo();
    const before = notify.notifications.length;
    const outcome = await delivery.send({
      channel: 'sms',
      to: NUMBER,
      purpose: 'unlocked-notice',
      holderName: 'Mr John Rigby',
      at: new Date('2026-03-02T09:05:00.000Z'),
      reason: 'unlock',
    });
    expect(outcome).toBe('sent');
    const sms = await notify.nextNotification(before);
    expect(sms.templateId).toBe(SMS.unlockedNotice);
    expect(sms.body).toBe(
      'Your Smartcard was unlocked with the Smartcard Unlock Service at 09:05 on Monday 2 March 2026 (UK time). If this was not you, call the IT service desk on x4050.',
    );
  });

  it('when a notice goes by text with its "This wasn\'t me" link, then the link ends the text, in summer time', async () => {
    const { delivery, logger } = deliveryTo();
    const before = notify.notifications.length;
    const token = `${'ab'.repeat(16)}.attempt-attempt-attempt-1.abc123.${'x'.repeat(22)}`;
    const outcome = await delivery.send({
      channel: 'sms',
      to: NUMBER,
      purpose: 'unlocked-notice',
      holderName: 'Mr John Rigby',
      at: new Date('2026-07-06T09:15:00.000Z'),
      reason: 'unlock',
      notMe: { token, validDays: 7 },
    });
    expect(outcome).toBe('sent');
    const sms = await notify.nextNotification(before);
    expect(sms.body).toBe(
      `Your Smartcard was unlocked with the Smartcard Unlock Service at 10:15 on Monday 6 July 2026 (UK time). If this was not you, call the IT service desk on x4050 and report it here (the link works once): https://smartcard-unlock.example.nhs.uk/not-me?token=${token}`,
    );
    expect(logger.lines.join('\n')).not.toContain(token);
  });

  describe.each<[NotifyFault, number, string]>([
    ['rate-limited', 429, 'RateLimitError'],
    ['daily-limit', 429, 'TooManyRequestsError'],
    ['service-down', 500, 'Exception'],
    ['invalid-recipient', 400, 'BadRequestError'],
  ])('when Notify answers with the %s fault', (fault, status, error) => {
    it(`then the send is not-sent and the log names ${status} ${error}, never the code or number`, async () => {
      const { delivery, logger } = deliveryTo();
      await notify.setFault(fault);
      try {
        expect(await delivery.send(codeBy('sms'))).toBe('not-sent');
      } finally {
        await notify.setFault('none');
      }
      const line = logger.lines.find((l) => l.includes('did not take the message'));
      expect(JSON.parse(line ?? '{}')).toMatchObject({
        level: 'warn',
        purpose: 'unlock-code',
        channel: 'sms',
        notifyStatus: status,
        notifyError: error,
      });
      expectNothingSecret(logger.lines);
    });
  });

  it('when the API key is wrong or revoked, then Notify answers 403 and the send is not-sent', async () => {
    const wrongKey = notifyApiKey({
      name: 'smartcard-unlock',
      serviceId: notify.serviceId,
      secret: randomUUID(),
    });
    const { delivery, logger } = deliveryTo({ apiKey: wrongKey });
    expect(await delivery.send(codeBy('sms'))).toBe('not-sent');
    expect(logger.lines.join('\n')).toContain('"notifyStatus":403');
    expect(logger.lines.join('\n')).toContain('"notifyError":"AuthError"');
    expect(logger.lines.join('\n')).not.toContain(wrongKey.slice(-36));
  });

  it('when Notify refuses the number itself, then the send is not-sent and the log holds no digits of it', async () => {
    const { delivery, logger } = deliveryTo();
    expect(await delivery.send({ ...codeBy('sms'), to: '+441214960000' })).toBe('not-sent');
    const text = logger.lines.join('\n');
    expect(text).toContain('"notifyError":"InvalidPhoneError"');
    expect(text).not.toContain('1214960000');
  });

  it('when nothing listens at the base URL, then the send is not-sent with ECONNREFUSED', async () => {
    const refusing = await startNotifyServer();
    await refusing.setFault('connection-refused');
    const { delivery, logger } = deliveryTo({ baseUrl: refusing.baseUrl });
    try {
      expect(await delivery.send(codeBy('sms'))).toBe('not-sent');
    } finally {
      await refusing.dispose();
    }
    expect(logger.lines.join('\n')).toContain('"systemCode":"ECONNREFUSED"');
  });

  it('when Notify takes the request and never answers, then the send gives up at notify.timeoutMs as unknown', async () => {
    const hanging = await startNotifyServer({
      templates: { [SMS.code]: { type: 'sms', body: '((body))' } },
    });
    await hanging.setFault('hanging');
    const { delivery, logger } = deliveryTo({ baseUrl: hanging.baseUrl, timeoutMs: 1_000 });
    try {
      const started = performance.now();
      const sending = delivery.send(codeBy('sms'));
      const request = await hanging.nextRequest(0);
      expect(await sending).toBe('unknown');
      expect(performance.now() - started).toBeLessThan(4_000);
      expect(await request.settled).toBe('abandoned');
      expect(hanging.notifications).toHaveLength(0);
    } finally {
      await hanging.dispose();
    }
    const line = logger.lines.find((l) => l.includes('did not answer in time'));
    expect(line).toBeDefined();
    expectNothingSecret(logger.lines);
  });
});
