import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CardImport } from '../../../../server/domain/ports';
import {
  answersAcceptedSchema,
  codeDeliverySchema,
  errorResponseSchema,
  startAttemptResponseSchema,
  unblockAuthorisationSchema,
  unlockProofResponseSchema,
  unlockServiceResponseSchema,
} from '../../../../src/shared/http-api';
import { startNotifyServer, type TestNotifyServer } from '../../../support/notify-server';
import { startSmtpServer, type TestSmtpServer } from '../../../support/smtp';
import {
  makeTestCard,
  proofFor,
  startRealServer,
  type RealServer,
  type TestCard,
} from '../support/real-server';

const SMS = { code: randomUUID(), unlockedNotice: randomUUID(), registeredNotice: randomUUID() };
const EMAIL = 'john.rigby@nhs.net';
const MOBILE = '+447700900321';
const ANSWERS = {
  answers: [
    { questionId: 'first-school', answer: 'St Mary’s Primary' },
    { questionId: 'first-pet', answer: 'Biscuit the Dog' },
  ],
};

/** A server on real SMTP and the local Notify, with these settings in its config file. */
async function serverWith(
  config: Record<string, unknown>,
): Promise<{ server: RealServer; smtp: TestSmtpServer; notify: TestNotifyServer; dir: string }> {
  const notify = await startNotifyServer({
    templates: Object.fromEntries(
      Object.values(SMS).map((id) => [id, { type: 'sms' as const, body: '((body))' }]),
    ),
  });
  const smtp = await startSmtpServer();
  const dir = mkdtempSync(join(tmpdir(), 'scu-models-'));
  const configFile = join(dir, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      ...config,
      notify: { baseUrl: notify.baseUrl, timeoutMs: 2_000, templates: { sms: SMS } },
    }),
  );
  const server = await startRealServer({
    env: { SCU_NOTIFY_API_KEY: notify.apiKey },
    configFile,
    smtp,
  });
  return { server, smtp, notify, dir };
}

/** Imports one card with these contacts (either may be null). */
async function importCard(
  server: RealServer,
  card: TestCard,
  contacts: Pick<CardImport, 'email' | 'mobile'>,
): Promise<void> {
  const imported = await server.core.admin.importCards(
    [
      {
        cardId: card.cardId,
        holderName: 'Mr John Rigby',
        ...contacts,
        pivAuthentication: card.spki['9A'],
        cardAuthentication: card.spki['9E'],
        puk: '31415926',
      },
    ],
    'admin:test',
  );
  expect(imported.ok).toBe(true);
}

/** Starts an unlock and proves the card; returns the attempt's path and the proof's answer. */
async function prove(
  server: RealServer,
  card: TestCard,
): Promise<{ base: string; status: number; body: unknown }> {
  const a = startAttemptResponseSchema.parse(
    (await server.post('/v1/unlock/attempts', { cardId: card.cardId })).body,
  );
  const base = `/v1/unlock/attempts/${a.attemptId}`;
  const proved = await server.post(`${base}/card-proof`, {
    signature: proofFor(card, 'unlock', a.attemptId, a.nonce),
  });
  return { base, ...proved };
}

/** The code a text message carries, without its space. */
const codeInText = (personalisation: Record<string, unknown>): string =>
  String(personalisation.code).replace(/ /g, '');

describe('the code-only model: a card never registered unlocks with a code to a contact IT imported', () => {
  let env: Awaited<ReturnType<typeof serverWith>>;
  beforeAll(async () => {
    env = await serverWith({
      verification: { model: 'code-only' },
      delivery: { channels: ['sms', 'email'] },
    });
  });
  afterAll(async () => {
    await env?.server.close();
    await env?.smtp.stop();
    await env?.notify.dispose();
    if (env !== undefined) rmSync(env.dir, { recursive: true, force: true });
  });

  it('when the app asks how holders are checked, then it is told code-only and the channels in order', async () => {
    const res = await fetch(`${env.server.url}/v1/unlock/service`);
    expect(res.status).toBe(200);
    expect(unlockServiceResponseSchema.parse(await res.json())).toEqual({
      verification: 'code-only',
      channels: ['sms', 'email'],
      assistedUnlock: true,
    });
  });

  it('when a holder with both contacts chooses text, then the code comes by text, unlocks, and the notice goes to both', async () => {
    const { server, notify, smtp } = env;
    const card = makeTestCard('a1'.repeat(16));
    await importCard(server, card, { email: EMAIL, mobile: MOBILE });
    const proved = await prove(server, card);
    expect(proved.status).toBe(200);
    expect(unlockProofResponseSchema.parse(proved.body)).toEqual({
      holderName: 'Mr John Rigby',
      verification: 'code-only',
      steps: ['channel', 'code'],
      contacts: [
        { channel: 'sms', maskedAddress: '07*** ***321' },
        { channel: 'email', maskedAddress: 'j****y@nhs.net' },
      ],
      questions: [],
      answerTriesLeft: 3,
    });
    // No questions under this model: an answers request is out of order.
    const answered = await server.post(`${proved.base}/answers`, ANSWERS);
    expect(answered.status).toBe(409);
    expect(errorResponseSchema.parse(answered.body).error.code).toBe('ATTEMPT_STATE');

    const before = notify.notifications.length;
    const sent = await server.post(`${proved.base}/code/send`, { channel: 'sms' });
    expect(sent.status).toBe(200);
    expect(codeDeliverySchema.parse(sent.body)).toMatchObject({
      channel: 'sms',
      maskedAddress: '07*** ***321',
      sendsLeft: 2,
    });
    const text = await notify.nextNotification(before);
    expect(text).toMatchObject({ type: 'sms', recipient: MOBILE, templateId: SMS.code });
    // The same step again, the other way, is a resend: spaced like one.
    const tooSoon = await server.post(`${proved.base}/code/send`, { channel: 'email' });
    expect(tooSoon.status).toBe(429);
    expect(errorResponseSchema.parse(tooSoon.body).error.code).toBe('RESEND_TOO_SOON');

    const verified = await server.post(`${proved.base}/code`, {
      code: codeInText(text.personalisation),
    });
    expect(verified.status).toBe(200);
    const unblock = await server.post(`${proved.base}/unblock`);
    expect(unblockAuthorisationSchema.parse(unblock.body).puk).toBe('31415926');
    const notices = notify.notifications.length;
    const mails = smtp.received.length;
    const outcome = await server.post(`${proved.base}/outcome`, {
      outcome: 'unlocked',
      pukOnCard: 'next',
      purpose: 'forgotten',
    });
    expect(outcome.status).toBe(204);
    const textNotice = await notify.nextNotification(notices);
    expect(textNotice).toMatchObject({ recipient: MOBILE, templateId: SMS.unlockedNotice });
    expect(textNotice.body).toContain('Your Smartcard was given a new passcode');
    const mailNotice = await smtp.nextMail(mails);
    expect(mailNotice.to).toEqual([EMAIL]);
    expect(mailNotice.subject).toBe('Your Smartcard passcode has been reset');
    const trail = await server.core.admin.auditTrail({ cardId: card.cardId });
    expect(trail.ok && trail.value.map((e) => `${e.action} ${e.outcome}`)).toEqual(
      expect.arrayContaining(['unlock.channel ok', 'unlock.code-send ok', 'unlock.outcome ok']),
    );
    expect(trail.ok && trail.value.find((e) => e.action === 'unlock.outcome')?.detail).toContain(
      'purpose=forgotten',
    );
  });

  it('when a holder has only a mobile, then the one contact is text, and registration (which confirms an email) is refused', async () => {
    const { server, notify } = env;
    const card = makeTestCard('b2'.repeat(16));
    await importCard(server, card, { email: null, mobile: MOBILE });
    expect((await server.core.admin.showCard(card.cardId)).ok).toBe(true);
    const proved = await prove(server, card);
    expect(unlockProofResponseSchema.parse(proved.body).contacts).toEqual([
      { channel: 'sms', maskedAddress: '07*** ***321' },
    ]);
    const refused = await server.post(`${proved.base}/code/send`, { channel: 'email' });
    expect(refused.status).toBe(400);
    expect(errorResponseSchema.parse(refused.body).error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { field: 'channel' },
    });
    const before = notify.notifications.length;
    expect((await server.post(`${proved.base}/code/send`, { channel: 'sms' })).status).toBe(200);
    expect((await notify.nextNotification(before)).recipient).toBe(MOBILE);

    const reg = startAttemptResponseSchema.parse(
      (await server.post('/v1/registration/attempts', { cardId: card.cardId })).body,
    );
    const regProof = await server.post(`/v1/registration/attempts/${reg.attemptId}/card-proof`, {
      signature: proofFor(card, 'register', reg.attemptId, reg.nonce),
    });
    expect(regProof.status).toBe(409);
    expect(errorResponseSchema.parse(regProof.body).error.code).toBe('NO_CONTACT');
  });

  it('when a holder has only an email, then the code comes by email over SMTP', async () => {
    const { server, smtp } = env;
    const card = makeTestCard('c3'.repeat(16));
    await importCard(server, card, { email: EMAIL, mobile: null });
    const proved = await prove(server, card);
    expect(unlockProofResponseSchema.parse(proved.body).steps).toEqual(['channel', 'code']);
    const before = smtp.received.length;
    const sent = await server.post(`${proved.base}/code/send`, { channel: 'email' });
    expect(codeDeliverySchema.parse(sent.body)).toMatchObject({
      channel: 'email',
      maskedAddress: 'j****y@nhs.net',
    });
    const mail = await smtp.nextCodeMail(before);
    expect(mail.to).toEqual([EMAIL]);
    const code = server.codes().at(-1);
    expect((await server.post(`${proved.base}/code`, { code })).status).toBe(200);
  });
});

describe('the questions-and-code model with two channels: the holder chooses after the answers', () => {
  let env: Awaited<ReturnType<typeof serverWith>>;
  let card: TestCard;
  beforeAll(async () => {
    // No spacing between sends, so one test can resend and switch channels at once.
    env = await serverWith({
      delivery: { channels: ['email', 'sms'] },
      security: { code: { resendIntervalSeconds: 0 } },
    });
    card = makeTestCard('d4'.repeat(16));
    await importCard(env.server, card, { email: EMAIL, mobile: MOBILE });
    const { server } = env;
    const reg = startAttemptResponseSchema.parse(
      (await server.post('/v1/registration/attempts', { cardId: card.cardId })).body,
    );
    const base = `/v1/registration/attempts/${reg.attemptId}`;
    await server.post(`${base}/card-proof`, {
      signature: proofFor(card, 'register', reg.attemptId, reg.nonce),
    });
    expect((await server.post(`${base}/answers`, ANSWERS)).status).toBe(200);
    await env.smtp.nextCodeMail(0);
    expect((await server.post(`${base}/code`, { code: server.codes().at(-1) })).status).toBe(204);
    // The registered notice goes without being awaited: counted before the test counts mail.
    expect((await env.smtp.nextMail(1)).subject).toContain('registered');
  });
  afterAll(async () => {
    await env?.server.close();
    await env?.smtp.stop();
    await env?.notify.dispose();
    if (env !== undefined) rmSync(env.dir, { recursive: true, force: true });
  });

  it('when the answers are right, then no code goes until the holder picks a channel, and it goes that way', async () => {
    const { server, notify } = env;
    const proved = await prove(server, card);
    const told = unlockProofResponseSchema.parse(proved.body);
    expect(told.steps).toEqual(['answers', 'channel', 'code']);
    expect(told.contacts.map((c) => c.channel)).toEqual(['email', 'sms']);
    // Choosing before answering is out of order.
    expect((await server.post(`${proved.base}/code/send`, { channel: 'sms' })).status).toBe(409);
    const mails = env.smtp.received.length;
    const texts = notify.notifications.length;
    const answered = await server.post(`${proved.base}/answers`, ANSWERS);
    expect(answered.status).toBe(200);
    expect(answersAcceptedSchema.parse(answered.body)).toEqual({ next: 'channel' });
    expect(env.smtp.received).toHaveLength(mails);
    expect(notify.notifications).toHaveLength(texts);

    const sent = await server.post(`${proved.base}/code/send`, { channel: 'sms' });
    expect(codeDeliverySchema.parse(sent.body).channel).toBe('sms');
    expect((await notify.nextNotification(texts)).recipient).toBe(MOBILE);
    // Resend goes the way the holder chose; "another way" switches, and later resends follow.
    const resent = await server.post(`${proved.base}/code/resend`);
    expect(codeDeliverySchema.parse(resent.body)).toMatchObject({ channel: 'sms', sendsLeft: 1 });
    const text = await notify.nextNotification(texts + 1);
    const other = await server.post(`${proved.base}/code/send`, { channel: 'email' });
    expect(codeDeliverySchema.parse(other.body)).toMatchObject({ channel: 'email', sendsLeft: 0 });
    expect((await env.smtp.nextCodeMail(mails)).to).toEqual([EMAIL]);
    // The email's code replaced the text's: only the latest code is good.
    const stale = await server.post(`${proved.base}/code`, {
      code: codeInText(text.personalisation),
    });
    expect(errorResponseSchema.parse(stale.body).error.code).toBe('CODE_WRONG');
    const right = await server.post(`${proved.base}/code`, { code: server.codes().at(-1) });
    expect(right.status).toBe(200);
    const stored = await server.core.admin.auditTrail({ cardId: card.cardId });
    expect(stored.ok && stored.value.some((e) => e.detail?.includes('channel=sms'))).toBe(true);
  });
});
