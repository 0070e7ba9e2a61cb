import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  codeDeliverySchema,
  codeVerifiedResponseSchema,
  errorResponseSchema,
  startAttemptResponseSchema,
} from '../../../../src/shared/http-api';
import { startNotifyServer, type TestNotifyServer } from '../../../support/notify-server';
import {
  makeTestCard,
  proofFor,
  startRealServer,
  type RealServer,
  type TestCard,
} from '../support/real-server';

const ANSWERS = {
  answers: [
    { questionId: 'first-school', answer: 'St Mary’s Primary' },
    { questionId: 'first-pet', answer: 'Biscuit the Dog' },
  ],
};
const SMS = { code: randomUUID(), unlockedNotice: randomUUID(), registeredNotice: randomUUID() };
const NUMBER = '+447700900321';

describe('the unlock code by text message, through the real server and a local GOV.UK Notify', () => {
  let notify: TestNotifyServer;
  let server: RealServer;
  let card: TestCard;
  let dir: string;
  beforeAll(async () => {
    notify = await startNotifyServer({
      templates: Object.fromEntries(
        Object.values(SMS).map((id) => [id, { type: 'sms' as const, body: '((body))' }]),
      ),
    });
    dir = mkdtempSync(join(tmpdir(), 'scu-notify-http-'));
    const configFile = join(dir, 'config.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        delivery: { channels: ['sms'] },
        notify: { baseUrl: notify.baseUrl, timeoutMs: 2_000, templates: { sms: SMS } },
      }),
    );
    server = await startRealServer({ env: { SCU_NOTIFY_API_KEY: notify.apiKey }, configFile });
    card = makeTestCard('7e'.repeat(16));
    const imported = await server.core.admin.importCards(
      [
        {
          cardId: card.cardId,
          holderName: 'Mr John Rigby',
          email: 'john.rigby@nhs.net',
          mobile: NUMBER,
          pivAuthentication: card.spki['9A'],
          cardAuthentication: card.spki['9E'],
          puk: '31415926',
        },
      ],
      'admin:test',
    );
    expect(imported.ok).toBe(true);
    await register(card);
  });
  afterAll(async () => {
    await server?.close();
    await notify?.dispose();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  /** Registers the card: registration confirms the email address, so its code goes by email. */
  async function register(c: TestCard): Promise<void> {
    const reg = startAttemptResponseSchema.parse(
      (await server.post('/v1/registration/attempts', { cardId: c.cardId })).body,
    );
    const base = `/v1/registration/attempts/${reg.attemptId}`;
    await server.post(`${base}/card-proof`, {
      signature: proofFor(c, 'register', reg.attemptId, reg.nonce),
    });
    expect((await server.post(`${base}/answers`, ANSWERS)).status).toBe(200);
    expect((await server.post(`${base}/code`, { code: server.codes().at(-1) })).status).toBe(204);
  }

  /** An unlock up to its answers; returns the attempt's path. */
  async function provedUnlock(c: TestCard = card): Promise<string> {
    const a = startAttemptResponseSchema.parse(
      (await server.post('/v1/unlock/attempts', { cardId: c.cardId })).body,
    );
    const base = `/v1/unlock/attempts/${a.attemptId}`;
    const proved = await server.post(`${base}/card-proof`, {
      signature: proofFor(c, 'unlock', a.attemptId, a.nonce),
    });
    expect(proved.status).toBe(200);
    return base;
  }

  it('when delivery.channels is ["sms"] and the holder has a mobile, then the code arrives by text and unlocks', async () => {
    const base = await provedUnlock();
    const before = notify.notifications.length;
    const answered = await server.post(`${base}/answers`, ANSWERS);
    expect(answered.status).toBe(200);
    expect(codeDeliverySchema.parse(answered.body)).toMatchObject({
      channel: 'sms',
      maskedAddress: '07*** ***321',
      sendsLeft: 2,
    });
    const sms = await notify.nextNotification(before);
    expect(sms).toMatchObject({ type: 'sms', recipient: NUMBER, templateId: SMS.code });
    const code = String(sms.personalisation.code).replace(/ /g, '');
    expect(sms.body).toContain(`Your Smartcard Unlock Code is ${String(sms.personalisation.code)}`);
    const verified = await server.post(`${base}/code`, { code });
    expect(verified.status).toBe(200);
    codeVerifiedResponseSchema.parse(verified.body);
    const logs = server.logs.join('\n');
    expect(logs).not.toContain(code);
    expect(logs).not.toContain('7700900321');
    expect(logs).not.toContain(notify.apiKey.slice(-36));
  });

  it('when Notify is down, then the holder is told the text could not be sent and keeps their progress, and a resend after recovery arrives', async () => {
    const base = await provedUnlock();
    await notify.setFault('service-down');
    const failed = await server.post(`${base}/answers`, ANSWERS);
    await notify.setFault('none');
    expect(failed.status).toBe(503);
    expect(errorResponseSchema.parse(failed.body).error).toMatchObject({
      code: 'TEXT_UNAVAILABLE',
      message: 'The text message with your code could not be sent just now.',
    });
    expect(server.logs.join('\n')).toContain('"notifyStatus":500');

    const before = notify.notifications.length;
    const resent = await server.post(`${base}/code/resend`);
    expect(resent.status).toBe(200);
    // The refused send was given back: still three sends in all, one of them now used.
    expect(codeDeliverySchema.parse(resent.body).sendsLeft).toBe(2);
    const sms = await notify.nextNotification(before);
    const verified = await server.post(`${base}/code`, {
      code: String(sms.personalisation.code).replace(/ /g, ''),
    });
    expect(verified.status).toBe(200);

    const metrics = await (await fetch(`${server.operatorUrl}/metrics`)).text();
    const line = (outcome: string) =>
      metrics
        .split('\n')
        .find(
          (l) =>
            l.startsWith('scu_mail_sends_total{') &&
            l.includes('purpose="unlock-code"') &&
            l.includes(`outcome="${outcome}"`) &&
            l.includes('channel="sms"'),
        );
    expect(line('sent')).toMatch(/ 2$/);
    expect(line('not-sent')).toMatch(/ 1$/);
  });

  it('when text messages are the only channel and the holder has no mobile, then the proof says so before any question, and nothing is sent', async () => {
    const bare = makeTestCard('7f'.repeat(16));
    const imported = await server.core.admin.importCards(
      [
        {
          cardId: bare.cardId,
          holderName: 'Ms Ada Byron',
          email: 'ada.byron@nhs.net',
          pivAuthentication: bare.spki['9A'],
          cardAuthentication: bare.spki['9E'],
          puk: '27182818',
        },
      ],
      'admin:test',
    );
    expect(imported.ok).toBe(true);
    await register(bare);
    const requests = notify.requests.length;
    const a = startAttemptResponseSchema.parse(
      (await server.post('/v1/unlock/attempts', { cardId: bare.cardId })).body,
    );
    const base = `/v1/unlock/attempts/${a.attemptId}`;
    const proved = await server.post(`${base}/card-proof`, {
      signature: proofFor(bare, 'unlock', a.attemptId, a.nonce),
    });
    expect(proved.status).toBe(409);
    expect(errorResponseSchema.parse(proved.body).error.code).toBe('NO_CONTACT');
    // The attempt ended: answers cannot follow.
    expect((await server.post(`${base}/answers`, ANSWERS)).status).toBe(409);
    expect(notify.requests).toHaveLength(requests);
    expect(server.logs.join('\n')).toContain(
      'the holder has no address on any channel in delivery.channels',
    );
  });
});
