import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  approvalIssuedSchema,
  approvalStatusSchema,
  errorResponseSchema,
  startAttemptResponseSchema,
  unblockAuthorisationSchema,
  unlockServiceResponseSchema,
} from '../../../../src/shared/http-api';
import { startSmtpServer, type TestSmtpServer } from '../../../support/smtp';
import { storageEngines } from '../../../support/storage-engines';
import {
  makeTestCard,
  proofFor,
  startRealServer,
  type RealServer,
  type TestCard,
} from '../support/real-server';

// The assisted unlock over real HTTP on each engine (docs/decisions/0025-assisted-unlock.md): a
// card the server holds no registration for is kept for the desk, which approves it.

const { engines } = await storageEngines('http-assisted');

describe.each(engines)('the assisted unlock over real HTTP on %s', (_name, fresh) => {
  let server: RealServer;
  let smtp: TestSmtpServer;
  let card: TestCard;
  beforeAll(async () => {
    smtp = await startSmtpServer();
    server = await startRealServer({ storage: await fresh(), smtp });
    card = makeTestCard('a5'.repeat(16));
    const imported = await server.core.admin.importCards(
      [
        {
          cardId: card.cardId,
          holderName: 'Mr John Rigby',
          email: 'john.rigby@nhs.net',
          pivAuthentication: card.spki['9A'],
          cardAuthentication: card.spki['9E'],
          puk: '31415926',
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

  const get = async (path: string) => {
    const res = await fetch(server.url + path);
    return { status: res.status, body: (await res.json()) as unknown };
  };

  it('when a card is not registered, then its proof keeps the attempt for the desk, whose approval leads to the PUK release; the app polls within the limits', async () => {
    const service = unlockServiceResponseSchema.parse((await get('/v1/unlock/service')).body);
    expect(service.assistedUnlock).toBe(true);
    const started = startAttemptResponseSchema.parse(
      (await server.post('/v1/unlock/attempts', { cardId: card.cardId })).body,
    );
    const base = `/v1/unlock/attempts/${started.attemptId}`;
    const proved = await server.post(`${base}/card-proof`, {
      signature: proofFor(card, 'unlock', started.attemptId, started.nonce),
    });
    expect([proved.status, errorResponseSchema.parse(proved.body).error]).toMatchObject([
      409,
      { code: 'CARD_NOT_REGISTERED', details: { assistedUnlock: true } },
    ]);
    const asked = await server.post(`${base}/approval`);
    expect(asked.status).toBe(200);
    const issued = approvalIssuedSchema.parse(asked.body);
    expect(issued.pollAfterSeconds).toBe(5);
    for (let poll = 0; poll < 3; poll++) {
      const pending = await get(`${base}/approval`);
      expect([pending.status, approvalStatusSchema.parse(pending.body).status]).toEqual([
        200,
        'pending',
      ]);
    }
    const approved = await server.core.assistedUnlock.approve({
      reference: issued.reference,
      operator: { via: 'admin', name: 'desk-analyst' },
    });
    expect(approved.ok).toBe(true);
    expect((await get(`${base}/approval`)).body).toEqual({
      status: 'approved',
      holderName: 'Mr John Rigby',
    });
    const released = await server.post(`${base}/unblock`);
    expect(unblockAuthorisationSchema.parse(released.body).puk).toBe('31415926');
    const reported = await server.post(`${base}/outcome`, {
      outcome: 'unlocked',
      pukOnCard: 'next',
    });
    expect(reported.status).toBe(204);

    // The questions asked every few seconds are counted, not audited.
    const trail = await server.core.admin.auditTrail({ cardId: card.cardId });
    const actions = trail.ok ? trail.value.map((e) => e.action) : [];
    expect(actions).toContain('unlock.desk-approval');
    expect(actions).not.toContain('unlock.approval-status');
    const metrics = await (await fetch(`${server.operatorUrl}/metrics`)).text();
    expect(metrics).toContain(
      'scu_flow_steps_total{flow="unlock",step="approval-status",outcome="ok"} 4',
    );
    expect(metrics).toContain('scu_flow_steps_total{flow="unlock",step="approval",outcome="ok"} 1');
    expect(metrics).toContain('scu_assisted_approvals_total{outcome="approved"} 1');
  });

  it('when the attempt is unknown, not proved, or has no reference, then each route says so with its status', async () => {
    const unknown = await server.post('/v1/unlock/attempts/unknown-attempt-000000/approval');
    expect([unknown.status, errorResponseSchema.parse(unknown.body).error.code]).toEqual([
      404,
      'ATTEMPT_NOT_FOUND',
    ]);
    const started = startAttemptResponseSchema.parse(
      (await server.post('/v1/unlock/attempts', { cardId: card.cardId })).body,
    );
    const base = `/v1/unlock/attempts/${started.attemptId}`;
    for (const res of [await server.post(`${base}/approval`), await get(`${base}/approval`)]) {
      expect([res.status, errorResponseSchema.parse(res.body).error.code]).toEqual([
        409,
        'ATTEMPT_STATE',
      ]);
    }
    const extra = await server.post(`${base}/approval`, { reference: '4KF-92Q' });
    expect(extra.status).toBe(400);
  });
});
