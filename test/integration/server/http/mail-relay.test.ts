import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  codeDeliverySchema,
  errorResponseSchema,
  startAttemptResponseSchema,
} from '../../../../src/shared/http-api';
import { startSmtpServer, type TestSmtpServer } from '../../../support/smtp';
import {
  makeTestCard,
  proofFor,
  startRealServer,
  type RealServer,
  type TestCard,
} from '../support/real-server';

const HOLDERS = 5;
const ANSWERS = {
  answers: [
    { questionId: 'first-school', answer: 'St Mary’s Primary' },
    { questionId: 'first-pet', answer: 'Biscuit the Dog' },
  ],
};

/** A holder's registration up to the answers, whose reply is the code send's. */
interface Holder {
  readonly card: TestCard;
  readonly email: string;
  readonly base: string;
}

// Several holders at once behind a relay that never greets, then one that takes each message but
// answers late: every holder hears within the send's bound, and a code that arrives works.
describe('mail behind a hung or late relay, several holders at once', () => {
  let smtp: TestSmtpServer;
  let server: RealServer;
  let round = 0;
  beforeAll(async () => {
    smtp = await startSmtpServer();
    server = await startRealServer({
      smtp,
      // Long enough that all five holders reach the mailer before the first greeting times out,
      // even on a loaded machine (their answers are hashed first).
      smtpSettings: { timeoutMs: 8_000, sendTimeoutMs: 12_000 },
    });
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.stop();
  });

  /** Fresh cards, each registration started and proved, ready for its answers. */
  const holders = async (): Promise<Holder[]> => {
    round += 1;
    const cards = Array.from({ length: HOLDERS }, (_, i) =>
      makeTestCard(`${String(round).padStart(2, '0')}${String(i).padStart(2, '0')}`.repeat(8)),
    );
    const emails = cards.map((_, i) => `holder.${round}.${i}@nhs.net`);
    const imported = await server.core.admin.importCards(
      cards.map((card, i) => ({
        cardId: card.cardId,
        holderName: `Holder ${round} ${i}`,
        email: emails[i]!,
        pivAuthentication: card.spki['9A'],
        cardAuthentication: card.spki['9E'],
        puk: '31415926',
      })),
      'admin:test',
    );
    expect(imported.ok).toBe(true);
    return Promise.all(
      cards.map(async (card, i) => {
        const started = startAttemptResponseSchema.parse(
          (await server.post('/v1/registration/attempts', { cardId: card.cardId })).body,
        );
        const base = `/v1/registration/attempts/${started.attemptId}`;
        const proved = await server.post(`${base}/card-proof`, {
          signature: proofFor(card, 'register', started.attemptId, started.nonce),
        });
        expect(proved.status).toBe(200);
        return { card, email: emails[i]!, base };
      }),
    );
  };

  const codeFor = (email: string): string => {
    const mail = smtp.received.findLast((m) => m.to.includes(email));
    const match = /Confirmation code: ([A-Z0-9]{4}) ([A-Z0-9]{4})/.exec(mail?.text ?? '');
    if (match === null) throw new Error(`No code mailed to ${email}`);
    return match[1]! + match[2]!;
  };

  it('when the relay never greets, then every holder hears "not sent" without queueing behind the others, and resends work once it is back', async () => {
    const waiting = await holders();
    await smtp.hang();
    let answered;
    try {
      answered = await Promise.all(waiting.map((h) => server.post(`${h.base}/answers`, ANSWERS)));
      // The first failure to greet fails the sends queued behind it: no second round of waits.
      expect(smtp.hungConnections()).toBeLessThanOrEqual(3);
    } finally {
      await smtp.up();
    }
    for (const res of answered) {
      expect(res.status).toBe(503);
      expect(errorResponseSchema.parse(res.body).error.code).toBe('MAIL_UNAVAILABLE');
    }
    // Nothing was counted, so each holder's resend goes at once and its code confirms the address.
    for (const h of waiting) {
      const resent = await server.post(`${h.base}/code/resend`);
      expect(resent.status).toBe(200);
      expect(codeDeliverySchema.parse(resent.body).delayed).toBeUndefined();
      const confirmed = await server.post(`${h.base}/code`, { code: codeFor(h.email) });
      expect(confirmed.status).toBe(204);
    }
  });

  it('when the relay answers after the send gave up, then the holder is told it may take a while and the code that arrives works', async () => {
    const waiting = await holders();
    const before = smtp.received.length;
    const release = smtp.holdReplies();
    let answered;
    try {
      answered = await Promise.all(waiting.map((h) => server.post(`${h.base}/answers`, ANSWERS)));
    } finally {
      release();
    }
    const delayed = waiting.filter((_, i) => answered[i]!.status === 200);
    const notSent = waiting.filter((_, i) => answered[i]!.status !== 200);
    // The relay's connections took some messages; those waiting for a connection were not sent.
    expect(delayed.length).toBeGreaterThan(0);
    for (const [i, res] of answered.entries()) {
      if (res.status === 200) expect(codeDeliverySchema.parse(res.body).delayed).toBe(true);
      else {
        expect([res.status, errorResponseSchema.parse(res.body).error.code], `holder ${i}`).toEqual(
          [503, 'MAIL_UNAVAILABLE'],
        );
      }
    }
    // Exactly the messages the relay took arrived, and each code works: it was stored before sending.
    const arrived = smtp.received
      .slice(before)
      .filter((m) => m.text.includes('Confirmation code:'))
      .flatMap((m) => m.to);
    expect(arrived.sort()).toEqual(delayed.map((h) => h.email).sort());
    for (const h of delayed) {
      const confirmed = await server.post(`${h.base}/code`, { code: codeFor(h.email) });
      expect(confirmed.status).toBe(204);
    }
    for (const h of notSent) {
      expect((await server.post(`${h.base}/code/resend`)).status).toBe(200);
      expect((await server.post(`${h.base}/code`, { code: codeFor(h.email) })).status).toBe(204);
    }
    const unconfirmed = server.logs.filter(
      (l) => l.includes('the mail may still arrive') && l.includes('"purpose":"registration-code"'),
    );
    expect(unconfirmed.length).toBe(delayed.length);
  });
});
