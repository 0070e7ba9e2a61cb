import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  codeDeliverySchema,
  errorResponseSchema,
  registrationProofResponseSchema,
  startAttemptResponseSchema,
  codeVerifiedResponseSchema,
  unblockAuthorisationSchema,
  unlockProofResponseSchema,
} from '../../../../src/shared/http-api';
import {
  makeTestCard,
  proofFor,
  startRealServer,
  type RealServer,
  type TestCard,
} from '../support/real-server';
import { startSmtpServer, type TestSmtpServer } from '../../../support/smtp';
import { storageEngines } from '../../../support/storage-engines';

const PUK = '31415926';
const ANSWERS = { 'first-school': 'St Mary’s Primary', 'first-pet': 'Biscuit the Dog' };

const answers = (overrides: Partial<Record<keyof typeof ANSWERS, string>> = {}) => ({
  answers: Object.entries({ ...ANSWERS, ...overrides }).map(([questionId, answer]) => ({
    questionId,
    answer,
  })),
});

const code = (res: { body: unknown }) => errorResponseSchema.parse(res.body).error;

// The same flows on each engine: a real SQLite file and the private PostgreSQL cluster, with a real
// SMTP server receiving every mail.
const { engines } = await storageEngines('http-flows');

describe.each(engines)(
  'the verification server over real HTTP on %s, mail by SMTP',
  (_name, fresh) => {
    let server: RealServer;
    let smtp: TestSmtpServer;
    let card: TestCard;
    beforeAll(async () => {
      smtp = await startSmtpServer();
      server = await startRealServer({ storage: await fresh(), smtp });
      card = makeTestCard('5e'.repeat(16));
      const imported = await server.core.admin.importCards(
        [
          {
            cardId: card.cardId,
            holderName: 'Mr John Rigby',
            email: 'john.rigby@nhs.net',
            pivAuthentication: card.spki['9A'],
            cardAuthentication: card.spki['9E'],
            puk: PUK,
          },
        ],
        'admin:test',
      );
      expect(imported.ok).toBe(true);
    });
    afterAll(async () => {
      await server?.close();
      await smtp?.stop();
    });

    it('when hostile bodies reach every route of an attempt, then each gets a 4xx with a stable code and the data is intact', async () => {
      const sql = "'; DROP TABLE cards; --";
      const script = '<script>alert(1)</script>';
      const started = await server.post('/v1/registration/attempts', { cardId: card.cardId });
      expect(started.status).toBe(201);
      const { attemptId } = startAttemptResponseSchema.parse(started.body);
      const reg = `/v1/registration/attempts/${attemptId}`;
      const unlock = `/v1/unlock/attempts/${attemptId}`;
      const hostile: [string, unknown][] = [
        ['/v1/unlock/attempts', { cardId: sql }],
        ['/v1/registration/attempts', { cardId: script }],
        [`${reg}/card-proof`, { signature: script }],
        [`${reg}/card-proof`, { signature: 'A'.repeat(20_000) }],
        [`${reg}/card-proof`, { signature: sql, extra: 1 }],
        // Well-formed answers whose question ids and answers are SQL and script text: they pass
        // the schema and reach the domain and the database.
        [
          `${reg}/answers`,
          {
            answers: [
              { questionId: sql, answer: script },
              { questionId: script, answer: sql },
            ],
          },
        ],
        [`${reg}/code`, { code: sql }],
        [`${reg}/code`, { code: ['AAAA2222'] }],
        [`${unlock}/answers`, { answers: [{ questionId: 'first-pet', answer: sql }] }],
        [`${unlock}/code`, { code: 'AAAA2222' }],
        [`${unlock}/outcome`, { outcome: sql, pukOnCard: 'next' }],
        [
          `${unlock}/outcome`,
          { outcome: 'unlocked', pukOnCard: 'next', failureCode: 'x'.repeat(5000) },
        ],
        [`/v1/unlock/attempts/${encodeURIComponent(sql)}/answers`, { answers: [] }],
      ];
      for (const [path, body] of hostile) {
        const res = await server.post(path, body);
        expect(res.status, `${path} ${JSON.stringify(body).slice(0, 60)}`).toBeGreaterThanOrEqual(
          400,
        );
        expect(res.status, path).toBeLessThan(500);
        expect(errorResponseSchema.parse(res.body).error.code).toMatch(/^[A-Z_]+$/);
      }
      expect(server.logs.some((l) => l.includes('unhandled error'))).toBe(false);
      expect((await server.post(`${reg}#delete`)).status).toBe(204);
      const shown = await server.core.admin.showCard(card.cardId);
      expect(shown).toMatchObject({
        ok: true,
        value: { holderName: 'Mr John Rigby', registered: false, wrongAnswerSubmissions: 0 },
      });
    });

    /** An unlock start and its proof signed by `signer`'s card-authentication key. */
    const startAndProve = async (cardId: string, signer = card) => {
      const started = await server.post('/v1/unlock/attempts', { cardId });
      const a = startAttemptResponseSchema.parse(started.body);
      const proved = await server.post(`/v1/unlock/attempts/${a.attemptId}/card-proof`, {
        signature: proofFor(signer, 'unlock', a.attemptId, a.nonce),
      });
      return { started, proved };
    };

    it('when a card is not registered yet, then the start answers 201 as for any card and the proof answers 409 CARD_NOT_REGISTERED', async () => {
      const { started, proved } = await startAndProve(card.cardId);
      expect(started.status).toBe(201);
      expect([proved.status, code(proved).code]).toEqual([409, 'CARD_NOT_REGISTERED']);
    });

    it('when a card id is unknown, then the start answers 201 with the same shape, and the proof answers as a bad proof of a known card', async () => {
      const unknown = await startAndProve('0'.repeat(32));
      const known = await startAndProve(card.cardId);
      expect(unknown.started.status).toBe(201);
      expect(Object.keys(unknown.started.body as object).sort()).toEqual(
        Object.keys(known.started.body as object).sort(),
      );
      const badProof = await startAndProve(card.cardId, makeTestCard(card.cardId));
      expect([unknown.proved.status, unknown.proved.body]).toEqual([
        badProof.proved.status,
        badProof.proved.body,
      ]);
      expect(code(unknown.proved).code).toBe('PROOF_INVALID');
    });

    it('when the holder registers and then unlocks, then every step answers its documented status and the PUK is released once', async () => {
      // Registration
      const reg = startAttemptResponseSchema.parse(
        (await server.post('/v1/registration/attempts', { cardId: card.cardId })).body,
      );
      const regBase = `/v1/registration/attempts/${reg.attemptId}`;
      const regProof = await server.post(`${regBase}/card-proof`, {
        signature: proofFor(card, 'register', reg.attemptId, reg.nonce),
      });
      expect(regProof.status).toBe(200);
      expect(registrationProofResponseSchema.parse(regProof.body).holderName).toBe('Mr John Rigby');
      const regAnswers = await server.post(`${regBase}/answers`, answers());
      expect(regAnswers.status).toBe(200);
      expect(codeDeliverySchema.parse(regAnswers.body).maskedAddress).toMatch(/^j\*+y@nhs\.net$/);
      const confirm = await server.post(`${regBase}/code`, { code: server.codes().at(-1) });
      expect(confirm.status).toBe(204);

      // Unlock
      const start = await server.post('/v1/unlock/attempts', { cardId: card.cardId });
      expect(start.status).toBe(201);
      const attempt = startAttemptResponseSchema.parse(start.body);
      const base = `/v1/unlock/attempts/${attempt.attemptId}`;
      const wrongProof = await server.post(`${base}/card-proof`, {
        signature: proofFor(card, 'register', attempt.attemptId, attempt.nonce),
      });
      expect([wrongProof.status, code(wrongProof).code]).toEqual([403, 'PROOF_INVALID']);

      const again = startAttemptResponseSchema.parse(
        (await server.post('/v1/unlock/attempts', { cardId: card.cardId })).body,
      );
      const base2 = `/v1/unlock/attempts/${again.attemptId}`;
      const proof = await server.post(`${base2}/card-proof`, {
        signature: proofFor(card, 'unlock', again.attemptId, again.nonce),
      });
      expect(proof.status).toBe(200);
      expect(
        unlockProofResponseSchema
          .parse(proof.body)
          .questions.map((q) => q.id)
          .sort(),
      ).toEqual(Object.keys(ANSWERS).sort());

      const wrong = await server.post(`${base2}/answers`, answers({ 'first-pet': 'Rex' }));
      expect([wrong.status, code(wrong).code]).toEqual([422, 'ANSWERS_WRONG']);
      expect(code(wrong).details?.triesLeft).toBe(2);

      const right = await server.post(
        `${base2}/answers`,
        answers({ 'first-school': '  st marys   primary ' }),
      );
      expect(right.status).toBe(200);
      const resend = await server.post(`${base2}/code/resend`);
      expect([resend.status, code(resend).code]).toEqual([429, 'RESEND_TOO_SOON']);

      const badCode = await server.post(`${base2}/code`, { code: 'AAAA-AAAA' });
      expect([badCode.status, code(badCode).code]).toEqual([422, 'CODE_WRONG']);
      const mailed = server.codes().at(-1)!;
      // The code went by SMTP to the registered address, in the text and the HTML part.
      const mail = smtp.received.at(-1)!;
      expect(mail.to).toEqual(['john.rigby@nhs.net']);
      expect(mail.html.replace(/\s/g, '')).toContain(mailed);
      const early = await server.post(`${base2}/unblock`);
      expect([early.status, code(early).code]).toEqual([409, 'ATTEMPT_STATE']);
      const verified = await server.post(`${base2}/code`, { code: mailed.toLowerCase() });
      expect(verified.status).toBe(200);
      expect(codeVerifiedResponseSchema.parse(verified.body).unblockBy).toBe(again.expiresAt);
      expect(JSON.stringify(verified.body)).not.toContain(PUK);

      // Sent again, as after a lost answer, the same code is told the same.
      const twice = await server.post(`${base2}/code`, { code: mailed });
      expect([twice.status, twice.body]).toEqual([200, verified.body]);

      const auth = await server.post(`${base2}/unblock`);
      expect(auth.status).toBe(200);
      const authorisation = unblockAuthorisationSchema.parse(auth.body);
      expect(authorisation.puk).toBe(PUK);
      const late = await server.post(`${base2}/code`, { code: mailed });
      expect([late.status, code(late).code]).toEqual([409, 'ATTEMPT_STATE']);
      // Asked again, as after a dropped answer: the same release, counted once.
      const again2 = await server.post(`${base2}/unblock`);
      expect([again2.status, unblockAuthorisationSchema.parse(again2.body)]).toEqual([
        200,
        { puk: PUK, unconfirmedPuk: authorisation.nextPuk, nextPuk: authorisation.nextPuk },
      ]);
      expect(await server.core.admin.showCard(card.cardId)).toMatchObject({
        ok: true,
        value: { pukReleasesToday: 1 },
      });

      const outcome = await server.post(`${base2}/outcome`, {
        outcome: 'unlocked',
        pukOnCard: 'next',
      });
      expect(outcome.status).toBe(204);
      const afterOutcome = await server.post(`${base2}/unblock`);
      expect([afterOutcome.status, code(afterOutcome).code]).toEqual([409, 'ATTEMPT_STATE']);

      // Nothing secret in the server's logs or the audit trail.
      const audit = await server.core.admin.auditTrail({ cardId: card.cardId, limit: 1000 });
      expect(audit.ok).toBe(true);
      const haystack = [...server.logs, JSON.stringify(audit.ok ? audit.value : [])].join('\n');
      const secrets = [
        PUK,
        authorisation.nextPuk,
        mailed,
        ...server.codes(),
        'Biscuit',
        'Rex',
        'St Mary',
        'st marys',
        proofFor(card, 'unlock', again.attemptId, again.nonce).slice(0, 40),
      ];
      for (const secret of secrets)
        expect(haystack, `a secret reached the logs: ${secret.slice(0, 3)}…`).not.toContain(secret);
      expect(server.logs.some((l) => l.includes(`"url":"${base2}/answers"`))).toBe(true);
    });

    it('when wrong answers reach the limit across attempts, then self-service locks with 423 and the next proof is refused', async () => {
      let last = { status: 0, body: undefined as unknown };
      for (let i = 0; i < 3; i++) {
        const a = startAttemptResponseSchema.parse(
          (await server.post('/v1/unlock/attempts', { cardId: card.cardId })).body,
        );
        const base = `/v1/unlock/attempts/${a.attemptId}`;
        await server.post(`${base}/card-proof`, {
          signature: proofFor(card, 'unlock', a.attemptId, a.nonce),
        });
        last = await server.post(`${base}/answers`, answers({ 'first-pet': `wrong ${i}` }));
      }
      expect([last.status, code(last).code]).toEqual([423, 'SELF_SERVICE_LOCKED']);
      const { started, proved } = await startAndProve(card.cardId);
      expect(started.status).toBe(201);
      expect([proved.status, code(proved).code]).toEqual([423, 'SELF_SERVICE_LOCKED']);
    });

    it('when the database is up, then /readyz on the operator listener says so', async () => {
      const res = await fetch(`${server.operatorUrl}/readyz`);
      expect(await res.json()).toEqual({ status: 'ok', checks: { database: 'ok' } });
    });
  },
);
