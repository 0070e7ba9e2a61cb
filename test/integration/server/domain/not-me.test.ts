import { createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createMetrics, domainEventsOf, type HttpMetrics } from '../../../../server/http/metrics';
import { NotMeTokens } from '../../../../server/security/not-me-token';
import { findCard, upsertCard } from '../../../../server/storage/card-repository';
import { openDatabase } from '../../../../server/storage/database';
import { selfSignedCertificate } from '../../../../src/main/card/virtual/certificate';
import type { ReceivedMail } from '../../../support/smtp';
import { storageEngines, type StorageEngine } from '../../../support/storage-engines';
import { migratedTo, storedCard } from '../../../support/storage-fixtures';
import {
  Driver,
  TestClock,
  build,
  capturingLogger,
  codeThenUnblock,
  ctx,
  importOf,
  makeCard,
  must,
  proof,
  testKeys,
  testSettings,
  domainTestFile,
} from './harness';

const { engines } = await storageEngines('not-me');
const PUBLIC_URL = 'https://smartcard-unlock.trust.test';
const DAY = 86_400;

const file = domainTestFile();

let holders = 0;

/** Fresh services on a fresh database, a card imported for a holder of its own (mail to them). */
async function world(
  fresh: StorageEngine[1],
  options: { security?: Record<string, unknown>; publicUrl?: string | null } = {},
) {
  const clock = new TestClock();
  const logger = capturingLogger();
  const storage = await fresh();
  const keys = testKeys();
  const base = testSettings(storage, file.smtp.port, keys, options.security);
  const publicUrl = options.publicUrl === undefined ? PUBLIC_URL : options.publicUrl;
  const settings = publicUrl === null ? base : { ...base, publicUrl };
  const metrics = createMetrics({ processMetrics: false });
  const services = await build(settings, clock, logger, domainEventsOf(metrics));
  file.open.push(services);
  const driver = new Driver(services, file.smtp);
  const card = makeCard({ email: `holder${++holders}@nhs.net` });
  await driver.importCards(card);
  /** A link token for this card signed with the server's own pepper, as a notice would carry. */
  const tokenFor = (attemptId = randomBytes(24).toString('base64url')) =>
    new NotMeTokens(keys.answerPepper).issue({
      cardId: card.cardId,
      attemptId,
      unlockedAt: clock.now(),
    });
  return { clock, logger, storage, keys, services, driver, card, metrics, tokenFor };
}

/** The next mail to `to` with this subject, passing over everyone else's (notices come late). */
async function mailTo(to: string, subject: string, afterCount: number): Promise<ReceivedMail> {
  for (let at = afterCount; ; at += 1) {
    const mail = await file.smtp.nextMail(at);
    if (mail.to.includes(to) && mail.subject === subject) return mail;
  }
}

/** Registers, unlocks and reports the card unlocked; the notice and the token its link carries. */
async function unlockedNotice(w: Awaited<ReturnType<typeof world>>) {
  await w.driver.register(w.card);
  const { attemptId, code } = await w.driver.unlockToCode(w.card);
  must(await codeThenUnblock(w.services, attemptId, code));
  const before = file.smtp.received.length;
  const outcome = { outcome: 'unlocked', pukOnCard: 'next' } as const;
  must(await w.services.unlock.step('outcome', attemptId, outcome, ctx));
  const notice = await mailTo(w.card.email, 'Your Smartcard has been unlocked', before);
  const token = /\/not-me\?token=([A-Za-z0-9._%-]+)/.exec(notice.text)?.[1];
  return { attemptId, notice, token: token === undefined ? undefined : decodeURIComponent(token) };
}

/** The card's proof for a fresh unlock: the first answer that tells about the card. */
async function proveUnlock(w: Awaited<ReturnType<typeof world>>) {
  const started = must(await w.services.unlock.start(w.card.cardId, ctx));
  const signature = proof(w.card.cardAuthentication, 'unlock', started.attemptId, started.nonce);
  return w.services.unlock.step('proof', started.attemptId, signature, ctx);
}

/** The report counter's values by outcome. */
async function reports(metrics: HttpMetrics): Promise<Record<string, number>> {
  const { values } = await metrics.notMeReports.get();
  return Object.fromEntries(values.map((v) => [String(v.labels.outcome), v.value]));
}

/** The card's audit rows for the "This wasn't me" link, oldest first. */
async function notMeAudit(w: Awaited<ReturnType<typeof world>>) {
  const trail = must(await w.services.admin.auditTrail({ cardId: w.card.cardId }));
  return trail.filter((e) => e.action === 'holder.not-me').reverse();
}

describe.each(engines)('"This wasn\'t me" on %s', (_name, fresh) => {
  it('when a card is unlocked, then the notice gives UK time and a link naming this card and this unlock', async () => {
    const w = await world(fresh);
    const { attemptId, notice, token } = await unlockedNotice(w);
    expect(notice.text).toContain(
      'with the Smartcard Unlock Service at 09:00 on Monday 2 March 2026 (UK time).',
    );
    expect(notice.text).toContain(
      'If this was not you, use this link to stop anyone unlocking your Smartcard with the service again, then contact the IT service desk straight away:',
    );
    expect(notice.text).toContain('The link can be used once, and works for 7 days');
    expect(notice.html).toContain(`<a href="${PUBLIC_URL}/not-me?token=`);
    expect(token?.split('.').slice(0, 2)).toEqual([w.card.cardId, attemptId]);
    expect(must(await w.services.notMe.check(token!))).toEqual({
      unlockedAt: '2026-03-02T09:00:00.000Z',
    });
    // The token is a capability: never in a log line.
    expect(w.logger.lines.join('\n')).not.toContain(token);
  });

  it('when the link is turned off, or the server knows no public address, then the notice names the desk and carries no link', async () => {
    for (const options of [
      { security: { notMeLink: { enabled: false } } },
      { publicUrl: null },
    ] as const) {
      const w = await world(fresh, options);
      const { notice, token } = await unlockedNotice(w);
      expect(token).toBeUndefined();
      expect(notice.text).not.toContain('not-me');
      expect(notice.text).toContain(
        'If this was not you, contact the IT service desk straight away.',
      );
    }
  });

  it('when the link is opened (GET) again and again, then nothing changes: not frozen, not audited, and the card still unlocks', async () => {
    const w = await world(fresh);
    const { token } = await unlockedNotice(w);
    for (let i = 0; i < 3; i += 1) expect((await w.services.notMe.check(token!)).ok).toBe(true);
    expect(must(await w.services.admin.showCard(w.card.cardId)).selfServiceFrozen).toBeNull();
    expect(await notMeAudit(w)).toEqual([]);
    expect(await reports(w.metrics)).toEqual({});
    expect((await proveUnlock(w)).ok).toBe(true);
  });

  it('when the holder presses the button, then self-service is frozen at once: audited with the unlock, counted, logged without the token, and the proof refused', async () => {
    const w = await world(fresh);
    const { attemptId, token } = await unlockedNotice(w);
    w.clock.advance(3600);
    expect(must(await w.services.notMe.report(token!, ctx))).toEqual({
      unlockedAt: '2026-03-02T09:00:00.000Z',
    });
    expect(must(await w.services.admin.showCard(w.card.cardId)).selfServiceFrozen).toEqual({
      at: '2026-03-02T10:00:00.000Z',
      reason: 'not-me',
    });
    expect(await notMeAudit(w)).toEqual([
      expect.objectContaining({
        at: '2026-03-02T10:00:00.000Z',
        attemptId,
        outcome: 'ok',
        sourceAddress: ctx.sourceAddress,
        requestId: ctx.requestId,
        detail: 'unlockedAt=2026-03-02T09:00:00.000Z;frozen=now',
      }),
    ]);
    expect(await reports(w.metrics)).toEqual({ frozen: 1 });
    const logged = w.logger.lines.find((l) => l.includes('self-service unlock is frozen'));
    expect(JSON.parse(logged ?? '{}')).toMatchObject({
      level: 'warn',
      cardId: w.card.cardId,
      attemptId,
    });
    expect(w.logger.lines.join('\n')).not.toContain(token);

    const refused = await proveUnlock(w);
    expect(refused).toEqual({ ok: false, error: { code: 'SELF_SERVICE_FROZEN' } });
    const trail = must(await w.services.admin.auditTrail({ cardId: w.card.cardId, limit: 1 }));
    expect(trail[0]).toMatchObject({ action: 'unlock.proof', outcome: 'SELF_SERVICE_FROZEN' });
  });

  it('when the link is used again, then it says already reported (to GET and POST), audits and counts it, and the freeze stays', async () => {
    const w = await world(fresh);
    const { token } = await unlockedNotice(w);
    must(await w.services.notMe.report(token!, ctx));
    const again = { ok: false, error: { code: 'NOT_ME_ALREADY_REPORTED' } };
    expect(await w.services.notMe.check(token!)).toEqual(again);
    expect(await w.services.notMe.report(token!, ctx)).toEqual(again);
    expect((await notMeAudit(w)).map((e) => e.outcome)).toEqual(['ok', 'NOT_ME_ALREADY_REPORTED']);
    expect(await reports(w.metrics)).toEqual({ frozen: 1, 'already-reported': 1 });
    expect(must(await w.services.admin.showCard(w.card.cardId)).selfServiceFrozen).not.toBeNull();
  });

  it('when two reports of one link race, then the database lets exactly one freeze', async () => {
    const w = await world(fresh);
    const token = w.tokenFor();
    const both = await Promise.all([
      w.services.notMe.report(token, ctx),
      w.services.notMe.report(token, ctx),
    ]);
    expect(both.map((r) => (r.ok ? 'ok' : r.error.code)).sort()).toEqual([
      'NOT_ME_ALREADY_REPORTED',
      'ok',
    ]);
    expect((await notMeAudit(w)).filter((e) => e.outcome === 'ok')).toHaveLength(1);
  });

  it('when the link is older than its days, then it has expired: refused, audited, counted, nothing frozen', async () => {
    const w = await world(fresh);
    const token = w.tokenFor();
    w.clock.advance(7 * DAY - 1);
    expect((await w.services.notMe.check(token)).ok).toBe(true);
    w.clock.advance(1);
    const expired = { ok: false, error: { code: 'NOT_ME_LINK_EXPIRED' } };
    expect(await w.services.notMe.check(token)).toEqual(expired);
    expect(await w.services.notMe.report(token, ctx)).toEqual(expired);
    expect(must(await w.services.admin.showCard(w.card.cardId)).selfServiceFrozen).toBeNull();
    expect((await notMeAudit(w)).map((e) => e.outcome)).toEqual(['NOT_ME_LINK_EXPIRED']);
    expect(await reports(w.metrics)).toEqual({ expired: 1 });
  });

  it('when a token is tampered with, or signed with another pepper, then the link is not recognised: nothing frozen or audited, only counted', async () => {
    const w = await world(fresh);
    const token = w.tokenFor();
    const tampered = token.replace(w.card.cardId, makeCard().cardId);
    const foreign = new NotMeTokens(testKeys().answerPepper).issue({
      cardId: w.card.cardId,
      attemptId: 'A'.repeat(32),
      unlockedAt: w.clock.now(),
    });
    const invalid = { ok: false, error: { code: 'NOT_ME_LINK_INVALID' } };
    for (const bad of [tampered, foreign, `${token}x`, '']) {
      expect(await w.services.notMe.check(bad)).toEqual(invalid);
      expect(await w.services.notMe.report(bad, ctx)).toEqual(invalid);
    }
    expect(must(await w.services.admin.showCard(w.card.cardId)).selfServiceFrozen).toBeNull();
    expect(must(await w.services.admin.auditTrail({})).map((e) => e.action)).not.toContain(
      'holder.not-me',
    );
    expect(await reports(w.metrics)).toEqual({ invalid: 4 });
  });

  it('when self-service is frozen in the middle of attempts, then the conditional updates refuse the code and the unblock', async () => {
    const w = await world(fresh);
    await w.driver.register(w.card);
    const answered = await w.driver.unlockToCode(w.card);
    const verified = await w.driver.unlockToCode(w.card);
    must(await w.services.unlock.step('code', verified.attemptId, verified.code, ctx));
    const proved = await w.driver.provedUnlock(w.card);
    must(await w.services.notMe.report(w.tokenFor(), ctx));

    const frozen = { ok: false, error: { code: 'SELF_SERVICE_FROZEN' } };
    // The right code, on an answered attempt: its spend is conditional on the card.
    expect(await w.services.unlock.step('code', answered.attemptId, answered.code, ctx)).toEqual(
      frozen,
    );
    // The PUK release of a verified attempt: the same condition, inside its transaction.
    expect(await w.services.unlock.step('unblock', verified.attemptId, undefined, ctx)).toEqual(
      frozen,
    );
    expect(
      await w.services.unlock.step(
        'answers',
        proved,
        [
          { questionId: 'first-car', answer: 'Ford Focus' },
          { questionId: 'childhood-phone', answer: '0121 555 0123' },
        ],
        ctx,
      ),
    ).toEqual(frozen);
    const state = must(await w.services.admin.showCard(w.card.cardId));
    expect(state.pukReleasesToday).toBe(0);
    expect(state.pendingPukRotation).toBe(false);
  });

  it('when the desk clears the lockout, then the freeze is lifted, audited, and the holder unlocks again; the link stays used', async () => {
    const w = await world(fresh);
    const { token } = await unlockedNotice(w);
    must(await w.services.notMe.report(token!, ctx));
    const cleared = must(await w.services.admin.clearLockout(w.card.cardId, 'desk-anna'));
    expect(cleared).toEqual({
      wasLocked: false,
      wrongAnswerSubmissions: 0,
      frozen: { at: '2026-03-02T09:00:00.000Z', reason: 'not-me' },
    });
    const trail = must(await w.services.admin.auditTrail({ cardId: w.card.cardId, limit: 1 }));
    expect(trail[0]).toMatchObject({
      action: 'admin.clear-lockout',
      outcome: 'ok',
      sourceAddress: 'admin:desk-anna',
      detail: 'wasLocked=false;wrongAnswerSubmissions=0;wasFrozen=not-me',
    });
    expect(must(await w.services.admin.showCard(w.card.cardId)).selfServiceFrozen).toBeNull();
    expect((await proveUnlock(w)).ok).toBe(true);
    expect(await w.services.notMe.report(token!, ctx)).toEqual({
      ok: false,
      error: { code: 'NOT_ME_ALREADY_REPORTED' },
    });
    // Clearing a card that is not frozen says so, and its audit row is as before.
    expect(must(await w.services.admin.clearLockout(w.card.cardId, 'desk-anna')).frozen).toBeNull();
  });
});

/** A certificate for the card's key that expires at `notAfter`, as a real card's 9A or 9E holds. */
function certificateOf(privateKey: KeyObject, notAfter: Date): Uint8Array {
  return selfSignedCertificate({
    privateKey,
    publicKey: createPublicKey(privateKey),
    commonName: 'Mr John Rigby',
    notBefore: new Date('2025-01-01T00:00:00Z'),
    notAfter,
  });
}

describe.each(engines)('expired certificates on %s', (_name, fresh) => {
  const soon = new Date('2026-03-03T09:00:00.000Z');
  const later = new Date('2030-01-01T00:00:00.000Z');

  /** Imports the card again with certificates expiring at these times. */
  async function withCertificates(
    w: Awaited<ReturnType<typeof world>>,
    pivAuth: Date,
    cardAuth: Date,
  ): Promise<void> {
    must(
      await w.services.admin.importCards(
        [
          {
            ...importOf(w.card),
            pivAuthentication: certificateOf(w.card.pivAuthentication, pivAuth),
            cardAuthentication: certificateOf(w.card.cardAuthentication, cardAuth),
          },
        ],
        'tester',
      ),
    );
  }

  it('when the 9E certificate expires, then the unlock proof refuses the card before any question, audited with the slot, and `show` says so', async () => {
    const w = await world(fresh);
    await withCertificates(w, later, soon);
    await w.driver.register(w.card);
    expect(must(await w.services.admin.showCard(w.card.cardId)).certificates).toEqual({
      '9A': { notAfter: '2030-01-01T00:00:00.000Z', expired: false },
      '9E': { notAfter: '2026-03-03T09:00:00.000Z', expired: false },
    });
    w.clock.advance(DAY - 1);
    expect((await proveUnlock(w)).ok).toBe(true);
    w.clock.advance(1);
    expect(await proveUnlock(w)).toEqual({ ok: false, error: { code: 'CERTIFICATE_EXPIRED' } });
    const trail = must(await w.services.admin.auditTrail({ cardId: w.card.cardId, limit: 1 }));
    expect(trail[0]).toMatchObject({
      action: 'unlock.proof',
      outcome: 'CERTIFICATE_EXPIRED',
      detail: 'slot=9E;notAfter=2026-03-03T09:00:00.000Z',
    });
    expect(must(await w.services.admin.showCard(w.card.cardId)).certificates['9E'].expired).toBe(
      true,
    );
  });

  it('when only the 9A certificate has expired, then registration and unlock both refuse the card, naming 9A', async () => {
    const w = await world(fresh);
    await withCertificates(w, soon, later);
    w.clock.advance(2 * DAY);
    const reg = must(await w.services.registration.start(w.card.cardId, ctx));
    const signature = proof(w.card.pivAuthentication, 'register', reg.attemptId, reg.nonce);
    expect(await w.services.registration.step('proof', reg.attemptId, signature, ctx)).toEqual({
      ok: false,
      error: { code: 'CERTIFICATE_EXPIRED' },
    });
    expect(await proveUnlock(w)).toEqual({ ok: false, error: { code: 'CERTIFICATE_EXPIRED' } });
    const trail = must(await w.services.admin.auditTrail({ cardId: w.card.cardId }));
    const proofs = trail.filter((e) => e.action.endsWith('.proof'));
    expect(proofs.map((e) => [e.action, e.detail])).toEqual([
      ['unlock.proof', 'slot=9A;notAfter=2026-03-03T09:00:00.000Z'],
      ['register.proof', 'slot=9A;notAfter=2026-03-03T09:00:00.000Z'],
    ]);
  });

  it('when the RA renews the certificates and IT imports them again, then the card unlocks again', async () => {
    const w = await world(fresh);
    await withCertificates(w, later, soon);
    await w.driver.register(w.card);
    w.clock.advance(2 * DAY);
    expect((await proveUnlock(w)).ok).toBe(false);
    await withCertificates(w, later, later);
    expect((await proveUnlock(w)).ok).toBe(true);
  });

  it('when a card was imported with bare public keys, then it has no expiry at all', async () => {
    const w = await world(fresh);
    await w.driver.register(w.card);
    w.clock.advance(20 * 365 * DAY);
    expect(must(await w.services.admin.showCard(w.card.cardId)).certificates).toEqual({
      '9A': { notAfter: null, expired: false },
      '9E': { notAfter: null, expired: false },
    });
    expect((await proveUnlock(w)).ok).toBe(true);
  });

  it('when a database from before expiries is upgraded, then each stored certificate has its expiry filled in', async () => {
    const settings = await fresh();
    const old = await migratedTo(settings, '0008-self-service-freeze');
    const card = makeCard();
    const certified = {
      ...storedCard('a'.repeat(32)),
      pivAuthDer: certificateOf(card.pivAuthentication, later),
      cardAuthDer: card.cardSpki,
    };
    await upsertCard(old, certified, '2026-03-02T09:00:00.000Z');
    await upsertCard(old, storedCard('b'.repeat(32)), '2026-03-02T09:00:00.000Z');
    await old.destroy();
    const upgraded = await openDatabase(settings);
    try {
      expect(await findCard(upgraded.db, 'a'.repeat(32))).toMatchObject({
        pivAuthNotAfter: '2030-01-01T00:00:00.000Z',
        cardAuthNotAfter: null,
        frozen: null,
      });
      // Bytes that are no certificate (as old fixtures hold) have no expiry, and stop nothing.
      expect(await findCard(upgraded.db, 'b'.repeat(32))).toMatchObject({
        pivAuthNotAfter: null,
        cardAuthNotAfter: null,
      });
    } finally {
      await upgraded.close();
    }
  });
});
