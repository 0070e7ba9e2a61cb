import { describe, expect, it } from 'vitest';
import type { AssistedUnlockRequest } from '../../../../server/domain/assisted-unlock-ports';
import { createMetrics, domainEventsOf, type HttpMetrics } from '../../../../server/http/metrics';
import { REFERENCE_ALPHABET } from '../../../../src/shared/limits';
import { storageEngines, type StorageEngine } from '../../../support/storage-engines';
import {
  ANSWERS,
  Driver,
  TestClock,
  build,
  ctx,
  makeCard,
  must,
  proof,
  testKeys,
  testSettings,
  domainTestFile,
} from './harness';

// The assisted unlock on both engines (docs/decisions/0025-assisted-unlock.md): the holder's
// reference, the desk's approval through the one domain function, and the unblock that follows.

const { engines } = await storageEngines('assisted-unlock');

const file = domainTestFile();

const WRONG = [
  { questionId: 'first-car', answer: 'Ford Focus' },
  { questionId: 'childhood-phone', answer: '1' },
];
const REFERENCE = new RegExp(`^[${REFERENCE_ALPHABET}]{3}-[${REFERENCE_ALPHABET}]{3}$`);
const UNLOCKED = { outcome: 'unlocked', pukOnCard: 'next' } as const;
let holders = 0;

/** Fresh services on a fresh database, and a registered card of a holder of its own. */
async function world(fresh: StorageEngine[1], security: Record<string, unknown> = {}) {
  const clock = new TestClock();
  const metrics = createMetrics({ processMetrics: false });
  const settings = testSettings(await fresh(), file.smtp.port, testKeys(), security);
  const services = await build(settings, clock, undefined, domainEventsOf(metrics));
  file.open.push(services);
  const driver = new Driver(services, file.smtp);
  const card = makeCard({ email: `assisted${++holders}@nhs.net` });
  await driver.importCards(card);
  await driver.register(card);
  const desk = (reference: string, extra: Partial<AssistedUnlockRequest> = {}) =>
    services.assistedUnlock.approve({
      reference,
      operator: { via: 'admin', name: 'desk-analyst' },
      reason: 'INC0012345',
      ...extra,
    });
  const look = (reference: string) =>
    services.assistedUnlock.find({ reference, operator: { via: 'admin', name: 'desk-analyst' } });
  const trail = async () =>
    must(await services.admin.auditTrail({ cardId: card.cardId }))
      .map((e) => `${e.action} ${e.outcome}${e.detail === null ? '' : ` ${e.detail}`}`)
      .reverse();
  return { clock, metrics, services, driver, card, desk, look, trail };
}
type World = Awaited<ReturnType<typeof world>>;

/** A proved unlock attempt's reference for the desk. */
async function askDesk(w: World, attemptId?: string) {
  const id = attemptId ?? (await w.driver.provedUnlock(w.card));
  return {
    attemptId: id,
    issued: must(await w.services.unlock.step('approval', id, undefined, ctx)),
  };
}

/** The proof of a fresh attempt, as the app sends it. */
async function prove(w: World) {
  const started = must(await w.services.unlock.start(w.card.cardId, ctx));
  const signed = proof(w.card.cardAuthentication, 'unlock', started.attemptId, started.nonce);
  return {
    attemptId: started.attemptId,
    proved: await w.services.unlock.step('proof', started.attemptId, signed, ctx),
  };
}

/** The desk approvals counter by outcome. */
async function approvals(metrics: HttpMetrics): Promise<Record<string, number>> {
  const { values } = await metrics.assistedApprovals.get();
  return Object.fromEntries(values.map((v) => [String(v.labels.outcome), v.value]));
}

describe.each(engines)('the assisted unlock on %s', (_name, fresh) => {
  it('when the desk approves the reference a holder reads out, then the unblock and outcome follow as after a right code, audited as assisted', async () => {
    const w = await world(fresh);
    const { attemptId, issued } = await askDesk(w);
    expect(issued).toEqual({
      reference: expect.stringMatching(REFERENCE),
      expiresAt: '2026-03-02T09:10:00.000Z',
      pollAfterSeconds: 5,
      referencesLeft: 2,
    });
    const status = () => w.services.unlock.step('approvalStatus', attemptId, undefined, ctx);
    expect(must(await status())).toEqual({
      status: 'pending',
      expiresAt: issued.expiresAt,
      pollAfterSeconds: 5,
    });
    // The desk checks whose it is first; any case, spaces and no hyphen are forgiven.
    const typed = ` ${issued.reference.replace('-', '').toLowerCase()} `;
    expect(must(await w.look(typed))).toMatchObject({
      reference: issued.reference,
      attemptId,
      cardId: w.card.cardId,
      holderName: 'Mr John Rigby',
      selfServiceLocked: false,
    });
    expect(must(await w.desk(typed))).toMatchObject({
      attemptId,
      approvedBy: 'admin:desk-analyst',
      approvedAt: '2026-03-02T09:00:00.000Z',
    });
    expect(must(await status())).toEqual({ status: 'approved', holderName: 'Mr John Rigby' });
    const released = must(await w.services.unlock.step('unblock', attemptId, undefined, ctx));
    expect(released.puk).toBe(w.card.puk);
    must(await w.services.unlock.step('outcome', attemptId, UNLOCKED, ctx));
    expect(await w.desk(issued.reference)).toMatchObject({
      ok: false,
      error: { code: 'REFERENCE_USED', message: expect.stringContaining('by admin:desk-analyst') },
    });
    expect(await w.trail()).toEqual([
      'admin.import ok card=new',
      expect.stringMatching(/^register\./),
      expect.anything(),
      expect.anything(),
      expect.anything(),
      expect.anything(),
      'unlock.start ok',
      'unlock.proof ok',
      'unlock.approval ok reference=1',
      'unlock.desk-approval ok reference=1;reason=INC0012345',
      'unlock.puk-release ok releasesToday=1;rotation=new;via=desk',
      'unlock.outcome ok pukOnCard=next;rotation=committed;via=desk',
      'unlock.desk-approval REFERENCE_USED reason=INC0012345',
    ]);
    expect(await approvals(w.metrics)).toEqual({ approved: 1, REFERENCE_USED: 1 });
  });

  it('when the last wrong answers lock self-service, then the attempt is kept for the desk, whose approval unlocks past the lockout and clears it', async () => {
    const w = await world(fresh);
    const attemptId = await w.driver.provedUnlock(w.card);
    await w.services.unlock.step('answers', attemptId, WRONG, ctx);
    await w.services.unlock.step('answers', attemptId, WRONG, ctx);
    const locked = { code: 'SELF_SERVICE_LOCKED', details: { assistedUnlock: true } };
    expect(await w.services.unlock.step('answers', attemptId, WRONG, ctx)).toEqual({
      ok: false,
      error: locked,
    });
    // Self-service stays refused on the kept attempt, and a new proof is kept for the desk too.
    expect(await w.services.unlock.step('answers', attemptId, ANSWERS, ctx)).toEqual({
      ok: false,
      error: locked,
    });
    expect((await prove(w)).proved).toEqual({ ok: false, error: locked });
    const { issued } = await askDesk(w, attemptId);
    expect(must(await w.look(issued.reference)).selfServiceLocked).toBe(true);
    must(await w.desk(issued.reference));
    must(await w.services.unlock.step('unblock', attemptId, undefined, ctx));
    must(await w.services.unlock.step('outcome', attemptId, UNLOCKED, ctx));
    expect(must(await w.services.admin.showCard(w.card.cardId)).selfServiceLocked).toBe(false);
  });

  it('when self-service is frozen ("This wasn\'t me"), then nothing is kept for the desk, and a freeze after the reference stops its approval', async () => {
    const w = await world(fresh);
    const { attemptId, issued } = await askDesk(w);
    must(
      await w.services.holders.freeze(w.card.cardId, {
        operator: { via: 'admin', name: 'ra' },
        reason: 'INC9',
      }),
    );
    expect(await w.desk(issued.reference)).toMatchObject({
      ok: false,
      error: { code: 'SELF_SERVICE_FROZEN' },
    });
    expect(await w.services.unlock.step('approvalStatus', attemptId, undefined, ctx)).toMatchObject(
      {
        ok: false,
        error: { code: 'SELF_SERVICE_FROZEN' },
      },
    );
    expect((await prove(w)).proved).toEqual({ ok: false, error: { code: 'SELF_SERVICE_FROZEN' } });
  });

  it('when a reference expires, then the app hears so, the desk is told when, and a new one replaces it up to the limit', async () => {
    const w = await world(fresh);
    const { attemptId, issued } = await askDesk(w);
    w.clock.advance(601);
    expect(must(await w.services.unlock.step('approvalStatus', attemptId, undefined, ctx))).toEqual(
      {
        status: 'expired',
        referencesLeft: 2,
      },
    );
    expect(await w.desk(issued.reference)).toMatchObject({
      ok: false,
      error: { code: 'REFERENCE_EXPIRED', message: expect.stringContaining('09:10 (UK time)') },
    });
    const second = (await askDesk(w, attemptId)).issued;
    // Never past the attempt's end (15 minutes from its start).
    expect(second.expiresAt).toBe('2026-03-02T09:15:00.000Z');
    const third = (await askDesk(w, attemptId)).issued;
    expect(third.referencesLeft).toBe(0);
    expect(await w.services.unlock.step('approval', attemptId, undefined, ctx)).toMatchObject({
      ok: false,
      error: { code: 'APPROVAL_LIMIT' },
    });
    // Only the newest reference is the attempt's: the one it replaced names nothing now.
    expect(await w.desk(second.reference)).toMatchObject({ error: { code: 'REFERENCE_UNKNOWN' } });
    must(await w.desk(third.reference));
  });

  it('when the reference is mistyped, unknown, or its attempt ended, then the desk is told precisely, and every refusal is audited with the operator', async () => {
    const w = await world(fresh);
    expect(await w.desk('0O1-IL0')).toMatchObject({ error: { code: 'REFERENCE_MALFORMED' } });
    expect(await w.desk('ZZZ-ZZZ')).toMatchObject({ error: { code: 'REFERENCE_UNKNOWN' } });
    const { attemptId, issued } = await askDesk(w);
    must(await w.services.unlock.cancel(attemptId, ctx));
    expect(await w.desk(issued.reference)).toMatchObject({
      error: { code: 'ATTEMPT_ENDED', message: expect.stringContaining('the caller cancelled it') },
    });
    const console = { operator: { via: 'console', name: 'alice@trust.nhs.uk' } } as const;
    expect(await w.desk(issued.reference, { ...console, reason: undefined })).toMatchObject({
      error: { code: 'REASON_INVALID' },
    });
    const rows = must(await w.services.admin.auditTrail({ limit: 10 })).filter(
      (e) => e.action === 'unlock.desk-approval',
    );
    expect(rows.map((e) => [e.outcome, e.sourceAddress, e.cardId === null])).toEqual([
      ['ATTEMPT_ENDED', 'admin:desk-analyst', false],
      ['REFERENCE_UNKNOWN', 'admin:desk-analyst', true],
      ['REFERENCE_MALFORMED', 'admin:desk-analyst', true],
    ]);
  });

  it("when an operator types references that name nothing, then each is audited, and past the limit they wait a reference's life; others are not held up", async () => {
    const w = await world(fresh, { assisted: { maxMissesPerOperator: 2 } });
    const { issued } = await askDesk(w);
    expect(await w.look('ZZZ-ZZ2')).toMatchObject({ error: { code: 'REFERENCE_UNKNOWN' } });
    expect(await w.desk('ZZZ-ZZ3')).toMatchObject({ error: { code: 'REFERENCE_UNKNOWN' } });
    expect(await w.look(issued.reference)).toMatchObject({ error: { code: 'TOO_MANY_MISSES' } });
    expect(await w.desk(issued.reference)).toMatchObject({ error: { code: 'TOO_MANY_MISSES' } });
    const misses = must(await w.services.admin.auditTrail({ limit: 10 }))
      .filter((e) => e.action.startsWith('unlock.desk-'))
      .map((e) => `${e.action} ${e.outcome}`);
    expect(misses).toEqual([
      'unlock.desk-approval TOO_MANY_MISSES',
      'unlock.desk-approval REFERENCE_UNKNOWN',
      'unlock.desk-lookup REFERENCE_UNKNOWN',
    ]);
    const other = { operator: { via: 'console', name: 'bob@trust.nhs.uk' } } as const;
    must(await w.desk(issued.reference, other));
    w.clock.advance(601);
    expect(await w.look('ZZZ-ZZ4')).toMatchObject({ error: { code: 'REFERENCE_UNKNOWN' } });
  });

  it('when two operators approve one reference at once, then exactly one approval counts', async () => {
    const w = await world(fresh);
    const { issued } = await askDesk(w);
    const both = await Promise.all([w.desk(issued.reference), w.desk(issued.reference)]);
    expect(both.filter((r) => r.ok)).toHaveLength(1);
  });

  it('when the card reached its daily cap meanwhile, then the desk hears so before the unblock would refuse', async () => {
    const w = await world(fresh, { puk: { maxReleasesPerDay: 1 } });
    const { issued } = await askDesk(w);
    const { attemptId, code } = await w.driver.unlockToCode(w.card);
    must(await w.services.unlock.step('code', attemptId, code, ctx));
    must(await w.services.unlock.step('unblock', attemptId, undefined, ctx));
    expect(await w.desk(issued.reference)).toMatchObject({ error: { code: 'PUK_RELEASE_LIMIT' } });
  });

  it('when the assisted unlock is off, then self-service refusals end the attempt as before and the desk cannot approve', async () => {
    const w = await world(fresh, { assisted: { enabled: false } });
    const attemptId = await w.driver.provedUnlock(w.card);
    expect(await w.services.unlock.step('approval', attemptId, undefined, ctx)).toMatchObject({
      error: { code: 'NOT_FOUND' },
    });
    for (let i = 0; i < 3; i++) await w.services.unlock.step('answers', attemptId, WRONG, ctx);
    expect((await prove(w)).proved).toEqual({ ok: false, error: { code: 'SELF_SERVICE_LOCKED' } });
    expect(await w.desk('4KF-92Q')).toMatchObject({ error: { code: 'ASSISTED_UNLOCK_OFF' } });
  });

  it('when a reference is issued, then the database holds only its keyed hash', async () => {
    const w = await world(fresh);
    const { attemptId, issued } = await askDesk(w);
    const row = await w.services.database.db
      .selectFrom('attempts')
      .select(['approval_ref_hash', 'approval_requests'])
      .where('attempt_id', '=', attemptId)
      .executeTakeFirstOrThrow();
    expect(row.approval_requests).toBe(1);
    expect(row.approval_ref_hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(row.approval_ref_hash).not.toContain(issued.reference.replace('-', ''));
  });
});
