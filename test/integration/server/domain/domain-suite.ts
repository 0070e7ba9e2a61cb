import { randomBytes } from 'node:crypto';
import type { KyselyPlugin, RootOperationNode } from 'kysely';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type ServerCoreSettings } from '../../../../server/create-services';
import type {
  DomainResult,
  RequestContext,
  ServerCore,
  StartAttemptResponse,
  UnlockProofResponse,
} from '../../../../server/domain/ports';
import type { UnblockAuthorisation } from '../../../../src/shared/http-api';
import { createMetrics, domainEventsOf, type HttpMetrics } from '../../../../server/http/metrics';
import type { StorageSettings } from '../../../../server/storage/storage-settings';
import { startSmtpServer, type TestSmtpServer } from '../../../support/smtp';
import {
  ANSWERS,
  Driver,
  stepAfter,
  setsColumns,
  updatesPendingPuk,
  readsCards,
  TestClock,
  build,
  capturingLogger,
  codeSent,
  codeThenUnblock,
  ctx,
  givenAgain,
  importOf,
  makeCard,
  must,
  proof,
  testKeys,
  testSettings,
} from './harness';

/** An unlock start and the card's own proof: the first answer that tells about the card. */
async function startAndProve(
  services: ServerCore,
  card: ReturnType<typeof makeCard>,
): Promise<DomainResult<UnlockProofResponse>> {
  const started = must(await services.unlock.start(card.cardId, ctx));
  return services.unlock.step(
    'proof',
    started.attemptId,
    proof(card.cardAuthentication, 'unlock', started.attemptId, started.nonce),
    ctx,
  );
}

/**
 * Resolves once a statement matching `like` waits for a row lock (PostgreSQL): the moment another
 * transaction holds what it needs. Polls the server's own view of its sessions, bounded.
 */
async function lockWaitOn(watcher: pg.Client, like: string): Promise<void> {
  for (let i = 0; ; i++) {
    const waiting = await watcher.query<{ n: string }>(
      "select count(*) as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database() and query ilike $1",
      [like],
    );
    if (Number(waiting.rows[0]?.n) > 0) return;
    if (i > 1500) throw new Error(`no statement like ${like} waited for a lock`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** What the suite needs from a database engine. */
export interface Backend {
  readonly name: string;
  /** A fresh, empty database for one test. */
  freshStorage(): Promise<StorageSettings>;
  /** Every stored value as text (tables and, for SQLite, the raw file), for secret scans. */
  dumpAll(storage: StorageSettings): Promise<string>;
  /** Runs one SQL statement directly, bypassing the services. */
  exec(storage: StorageSettings, sql: string): Promise<void>;
  /** Whether two service instances may share one database (PostgreSQL; SQLite is one instance). */
  readonly multiInstance: boolean;
}

/** The keys with one more key-encryption key, made the active one (a rotation's first steps). */
function withActiveKey(
  keys: ServerCoreSettings['keys'],
  id: string,
  key: string,
): ServerCoreSettings['keys'] {
  return { ...keys, keyEncryptionKeys: { ...keys.keyEncryptionKeys, [id]: key }, activeKeyId: id };
}

/**
 * The domain's behaviour, run unchanged on each engine: every rule of the product brief against a
 * real database and a real SMTP server, with an injected clock for every expiry.
 */
export function domainSuite(backend: Backend): void {
  let smtp: TestSmtpServer;
  const open: ServerCore[] = [];

  beforeAll(async () => {
    smtp = await startSmtpServer();
  });
  afterAll(async () => {
    await smtp.stop();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  /** Fresh database, services and driver for one test. */
  async function world(security: Record<string, unknown> = {}) {
    const clock = new TestClock();
    const logger = capturingLogger();
    const storage = await backend.freshStorage();
    const keys = testKeys();
    const settings = testSettings(storage, smtp.port, keys, security);
    // The domain's counters land in real metrics, as the server wires them.
    const metrics = createMetrics({ processMetrics: false });
    const events = domainEventsOf(metrics);
    const services = await build(settings, clock, logger, events);
    open.push(services);
    const driver = new Driver(services, smtp);
    const card = makeCard();
    await driver.importCards(card);
    /** Another instance on the same database (PostgreSQL), or the same one (SQLite). */
    const second = async (overrides: Partial<ServerCoreSettings> = {}) => {
      if (!backend.multiInstance && Object.keys(overrides).length === 0) return services;
      const other = await build({ ...settings, ...overrides }, clock, logger, events);
      open.push(other);
      return other;
    };
    /** Another instance that runs an armed step right after its first query that `matches`. */
    const hookedInstance = async (matches: (node: RootOperationNode) => boolean) => {
      const hook = stepAfter(matches);
      const hooked = await createServices(settings, {
        now: clock.now,
        logger,
        queryPlugins: [hook.plugin],
      });
      open.push(hooked);
      return { hooked, hook };
    };
    /** Another instance whose database goes away right after its first query that `matches`. */
    const goesAwayAfter = async (matches: (node: RootOperationNode) => boolean) => {
      const { hooked, hook } = await hookedInstance(matches);
      hook.arm(() => Promise.reject(new Error('the database went away')));
      return { failing: hooked, fired: hook.fired };
    };
    return {
      ...{ clock, logger, storage, keys, settings, services, driver, card, second, metrics },
      ...{ hookedInstance, goesAwayAfter },
    };
  }

  /**
   * Services on a world's database that hold the new key `k2` beside the old one but still seal
   * with the old (a key rotation's first step), with the given query plugins.
   */
  async function withKeyAdded(
    w: Awaited<ReturnType<typeof world>>,
    k2: string,
    queryPlugins: readonly KyselyPlugin[],
  ): Promise<ServerCore> {
    const keyEncryptionKeys = { ...w.keys.keyEncryptionKeys, k2 };
    const services = await createServices(
      { ...w.settings, keys: { ...w.keys, keyEncryptionKeys } },
      { now: w.clock.now, logger: w.logger, queryPlugins },
    );
    open.push(services);
    return services;
  }

  /**
   * Reports through `reporting` that the card took the next PUK, then checks the rotation was
   * committed: the next visit, through `next`, offers that PUK alone, with nothing left pending.
   */
  async function expectRotationCommitted(
    reporting: ServerCore,
    next: ServerCore,
    card: ReturnType<typeof makeCard>,
    attemptId: string,
    nextPuk: string,
  ): Promise<void> {
    must(
      await reporting.unlock.step(
        'outcome',
        attemptId,
        { outcome: 'unlocked', pukOnCard: 'next' },
        ctx,
      ),
    );
    const again = await new Driver(next, smtp).unlockToCode(card);
    expect(must(await codeThenUnblock(next, again.attemptId, again.code))).toMatchObject({
      puk: nextPuk,
      unconfirmedPuk: null,
    });
  }

  describe(`on ${backend.name}`, () => {
    describe('unlock', () => {
      it('when every step succeeds, then the PUK and a fresh next PUK are released and the rotation commits', async () => {
        const { services, driver, card } = await world();
        await driver.register(card);
        const started = must(await services.unlock.start(card.cardId, ctx));
        expect(started.nonce.length).toBeGreaterThanOrEqual(22);
        const proved = must(
          await services.unlock.step(
            'proof',
            started.attemptId,
            proof(card.cardAuthentication, 'unlock', started.attemptId, started.nonce),
            ctx,
          ),
        );
        expect(proved).toEqual({
          holderName: 'Mr John Rigby',
          verification: 'questions-and-code',
          steps: ['answers', 'code'],
          contacts: [{ channel: 'email', maskedAddress: 'j****y@nhs.net' }],
          questions: [
            { id: 'first-car', text: 'What was the make and model of your first car?' },
            {
              id: 'childhood-phone',
              text: 'What was your childhood phone number, including area code?',
            },
          ],
          answerTriesLeft: 3,
        });
        const before = smtp.received.length;
        const delivery = codeSent(
          must(await services.unlock.step('answers', started.attemptId, ANSWERS, ctx)),
        );
        expect(delivery.channel).toBe('email');
        expect(delivery.maskedAddress).toBe('j****y@nhs.net');
        expect(delivery.sendsLeft).toBe(2);
        expect(delivery.codeLength).toBe(8);
        const mail = await smtp.nextCodeMail(before);
        expect(mail.to).toEqual(['john.rigby@nhs.net']);
        expect(mail.subject).toBe('Your Smartcard Unlock Code');
        expect(mail.text).toContain('Dear Mr John Rigby,');
        expect(mail.text).toContain('x4050');
        expect(mail.html).toContain('City or Sandwell site');
        const code = await driver.nextCode(before);
        expect(code).toMatch(/^[2-9A-HJ-NP-Z]{8}$/);
        expect(code).toHaveLength(delivery.codeLength);
        const auth = must(await codeThenUnblock(services, started.attemptId, code));
        expect(auth.puk).toBe(card.puk);
        expect(auth.unconfirmedPuk).toBeNull();
        expect(auth.nextPuk).toMatch(/^\d{8}$/);
        expect(auth.nextPuk).not.toBe(card.puk);
        expect(must(await services.admin.showCard(card.cardId)).pendingPukRotation).toBe(true);

        const beforeNotice = smtp.received.length;
        must(
          await services.unlock.step(
            'outcome',
            started.attemptId,
            { outcome: 'unlocked', pukOnCard: 'next' },
            ctx,
          ),
        );
        const notice = await smtp.nextMail(beforeNotice);
        expect(notice.subject).toBe('Your Smartcard has been unlocked');
        expect(notice.text).not.toContain(auth.nextPuk);
        const state = must(await services.admin.showCard(card.cardId));
        expect(state.pendingPukRotation).toBe(false);
        expect(state.lastUnlockAt).not.toBeNull();

        // The next unlock releases the PUK the card was rotated to.
        const next = await driver.unlockToCode(card);
        const auth2 = must(await codeThenUnblock(services, next.attemptId, next.code));
        expect(auth2.puk).toBe(auth.nextPuk);
      });

      it('when a card is unknown or not registered, then start answers as for any card and only a verified proof tells; the audit keeps the real reason', async () => {
        const { services, card } = await world();
        const stranger = makeCard();
        const shape = (r: Awaited<ReturnType<typeof services.unlock.start>>) => {
          const v = must(r);
          return [Object.keys(v).sort(), v.attemptId.length, v.nonce.length];
        };
        const known = await services.unlock.start(card.cardId, ctx);
        const unknown = await services.unlock.start(stranger.cardId, ctx);
        expect(shape(unknown)).toEqual(shape(known));
        expect(shape(await services.registration.start(stranger.cardId, ctx))).toEqual(
          shape(await services.registration.start(card.cardId, ctx)),
        );

        // An unknown card's proof answers exactly as a known card's bad proof: nothing to learn.
        const u = must(unknown);
        const unknownProof = await services.unlock.step(
          'proof',
          u.attemptId,
          proof(stranger.cardAuthentication, 'unlock', u.attemptId, u.nonce),
          ctx,
        );
        const k = must(known);
        const badProof = await services.unlock.step(
          'proof',
          k.attemptId,
          proof(stranger.cardAuthentication, 'unlock', k.attemptId, k.nonce),
          ctx,
        );
        expect(unknownProof).toEqual({ ok: false, error: { code: 'PROOF_INVALID' } });
        expect(badProof).toEqual(unknownProof);
        // Both attempts are spent alike.
        for (const attemptId of [u.attemptId, k.attemptId]) {
          expect(await services.unlock.step('answers', attemptId, ANSWERS, ctx)).toEqual({
            ok: false,
            error: { code: 'ATTEMPT_STATE' },
          });
        }

        // The real holder of the unregistered card hears why, once the card has proved itself (the
        // attempt kept for the desk's approval, ADR 0025).
        const again = must(await services.unlock.start(card.cardId, ctx));
        expect(
          await services.unlock.step(
            'proof',
            again.attemptId,
            proof(card.cardAuthentication, 'unlock', again.attemptId, again.nonce),
            ctx,
          ),
        ).toEqual({
          ok: false,
          error: { code: 'CARD_NOT_REGISTERED', details: { assistedUnlock: true } },
        });

        const trail = must(await services.admin.auditTrail({ cardId: stranger.cardId }));
        expect(trail.map((e) => `${e.action}:${e.outcome}`)).toEqual(
          expect.arrayContaining([
            'unlock.start:ok',
            'register.start:ok',
            'unlock.proof:CARD_UNKNOWN',
          ]),
        );
      });

      it('when a registration proof comes from a card the server does not know, then it answers as a bad proof', async () => {
        const { services, card } = await world();
        const stranger = makeCard();
        const answers = [];
        for (const [cardId, key] of [
          [stranger.cardId, stranger.pivAuthentication],
          [card.cardId, stranger.pivAuthentication],
        ] as const) {
          const s = must(await services.registration.start(cardId, ctx));
          answers.push(
            await services.registration.step(
              'proof',
              s.attemptId,
              proof(key, 'register', s.attemptId, s.nonce),
              ctx,
            ),
          );
        }
        expect(answers).toEqual([
          { ok: false, error: { code: 'PROOF_INVALID' } },
          { ok: false, error: { code: 'PROOF_INVALID' } },
        ]);
        const trail = must(await services.admin.auditTrail({ cardId: stranger.cardId }));
        expect(trail.map((e) => `${e.action}:${e.outcome}`)).toContain(
          'register.proof:CARD_UNKNOWN',
        );
      });

      it('when the proof is signed by the wrong key, then it is refused and the attempt ends', async () => {
        const { services, driver, card } = await world();
        await driver.register(card);
        const s = must(await services.unlock.start(card.cardId, ctx));
        const wrongKey = proof(card.pivAuthentication, 'unlock', s.attemptId, s.nonce);
        expect(await services.unlock.step('proof', s.attemptId, wrongKey, ctx)).toMatchObject({
          error: { code: 'PROOF_INVALID' },
        });
        const right = proof(card.cardAuthentication, 'unlock', s.attemptId, s.nonce);
        expect(await services.unlock.step('proof', s.attemptId, right, ctx)).toMatchObject({
          error: { code: 'ATTEMPT_STATE' },
        });
      });

      it('when a proof is replayed, or made for a registration, then it is refused', async () => {
        const { services, driver, card } = await world();
        await driver.register(card);
        const s = must(await services.unlock.start(card.cardId, ctx));
        const signature = proof(card.cardAuthentication, 'unlock', s.attemptId, s.nonce);
        must(await services.unlock.step('proof', s.attemptId, signature, ctx));
        expect(await services.unlock.step('proof', s.attemptId, signature, ctx)).toMatchObject({
          error: { code: 'ATTEMPT_STATE' },
        });
        const other = must(await services.unlock.start(card.cardId, ctx));
        expect(await services.unlock.step('proof', other.attemptId, signature, ctx)).toMatchObject({
          error: { code: 'PROOF_INVALID' },
        });
        const third = must(await services.unlock.start(card.cardId, ctx));
        const forRegister = proof(
          card.cardAuthentication,
          'register',
          third.attemptId,
          third.nonce,
        );
        expect(
          await services.unlock.step('proof', third.attemptId, forRegister, ctx),
        ).toMatchObject({
          error: { code: 'PROOF_INVALID' },
        });
      });

      it('when the nonce is older than two minutes, then the proof is refused as expired', async () => {
        const { services, driver, card, clock } = await world();
        await driver.register(card);
        const s = must(await services.unlock.start(card.cardId, ctx));
        clock.advance(121);
        const signature = proof(card.cardAuthentication, 'unlock', s.attemptId, s.nonce);
        expect(await services.unlock.step('proof', s.attemptId, signature, ctx)).toMatchObject({
          error: { code: 'ATTEMPT_EXPIRED' },
        });
      });

      it('when answers are typed with other case, spacing and punctuation, then they still match', async () => {
        const { services, driver, card } = await world();
        await driver.register(card);
        const attemptId = await driver.provedUnlock(card);
        const typed = [
          { questionId: 'childhood-phone', answer: ' 0121   555 0123. ' },
          { questionId: 'first-car', answer: 'FORD focus!' },
        ];
        expect((await services.unlock.step('answers', attemptId, typed, ctx)).ok).toBe(true);
      });

      it('when answers are wrong three times across sessions, then self-service locks until IT clears it', async () => {
        const { services, driver, card } = await world();
        await driver.register(card);
        const wrong = [
          { questionId: 'first-car', answer: 'Ford Focus' },
          { questionId: 'childhood-phone', answer: '999' },
        ];
        const first = await driver.provedUnlock(card);
        expect(await services.unlock.step('answers', first, wrong, ctx)).toEqual({
          ok: false,
          error: { code: 'ANSWERS_WRONG', details: { triesLeft: 2 } },
        });
        expect(await services.unlock.step('answers', first, wrong, ctx)).toEqual({
          ok: false,
          error: { code: 'ANSWERS_WRONG', details: { triesLeft: 1 } },
        });
        const second = await driver.provedUnlock(card);
        expect((await services.unlock.step('answers', second, wrong, ctx)).ok).toBe(false);
        expect(await services.unlock.step('answers', second, ANSWERS, ctx)).toMatchObject({
          error: { code: 'SELF_SERVICE_LOCKED' },
        });
        expect(await startAndProve(services, card)).toMatchObject({
          error: { code: 'SELF_SERVICE_LOCKED' },
        });
        const state = must(await services.admin.showCard(card.cardId));
        expect(state).toMatchObject({ selfServiceLocked: true, wrongAnswerSubmissions: 3 });

        must(await services.admin.clearLockout(card.cardId, 'desk-analyst'));
        const third = await driver.provedUnlock(card);
        expect((await services.unlock.step('answers', third, ANSWERS, ctx)).ok).toBe(true);
      });

      it('when the answers do not cover the registered questions, then nothing is counted', async () => {
        const { services, driver, card } = await world();
        await driver.register(card);
        const attemptId = await driver.provedUnlock(card);
        expect(
          await services.unlock.step(
            'answers',
            attemptId,
            [{ questionId: 'first-car', answer: 'x' }],
            ctx,
          ),
        ).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
        expect(must(await services.admin.showCard(card.cardId)).wrongAnswerSubmissions).toBe(0);
      });

      it('when a code is wrong, then it says the tries left, and after five the code is dead', async () => {
        const { services, driver, card } = await world();
        await driver.register(card);
        const { attemptId, code } = await driver.unlockToCode(card);
        const wrong = code === 'AAAAAAAA' ? 'BBBBBBBB' : 'AAAAAAAA';
        for (const triesLeft of [4, 3, 2, 1]) {
          expect(await services.unlock.step('code', attemptId, wrong, ctx)).toEqual({
            ok: false,
            error: { code: 'CODE_WRONG', details: { triesLeft } },
          });
        }
        expect(await services.unlock.step('code', attemptId, wrong, ctx)).toMatchObject({
          error: { code: 'CODE_TRIES_EXHAUSTED' },
        });
        expect(await services.unlock.step('code', attemptId, code, ctx)).toMatchObject({
          error: { code: 'CODE_TRIES_EXHAUSTED' },
        });
        // An exhausted code counts against the card, and a new code does not undo that.
        expect(must(await services.admin.showCard(card.cardId)).wrongAnswerSubmissions).toBe(1);
      });

      it('when a new code is sent, then the old one stops working and failures are kept', async () => {
        const { services, driver, card, clock } = await world();
        await driver.register(card);
        const wrong = [
          { questionId: 'first-car', answer: 'Austin Allegro' },
          { questionId: 'childhood-phone', answer: '0121 555 0123' },
        ];
        const attemptId = await driver.provedUnlock(card);
        expect((await services.unlock.step('answers', attemptId, wrong, ctx)).ok).toBe(false);
        const before = smtp.received.length;
        must(await services.unlock.step('answers', attemptId, ANSWERS, ctx));
        const oldCode = await driver.nextCode(before);
        clock.advance(60);
        const beforeResend = smtp.received.length;
        const delivery = must(await services.unlock.resendCode(attemptId, ctx));
        expect(delivery.sendsLeft).toBe(1);
        const newCode = await driver.nextCode(beforeResend);
        expect(await services.unlock.step('code', attemptId, oldCode, ctx)).toMatchObject({
          error: { code: 'CODE_WRONG' },
        });
        expect(must(await services.admin.showCard(card.cardId)).wrongAnswerSubmissions).toBe(1);
        expect((await services.unlock.step('code', attemptId, newCode, ctx)).ok).toBe(true);
      });

      it('when resends come too soon or too often, then they are refused with the wait or the limit', async () => {
        const { services, driver, card, clock } = await world();
        await driver.register(card);
        const { attemptId } = await driver.unlockToCode(card);
        clock.advance(20);
        expect(await services.unlock.resendCode(attemptId, ctx)).toEqual({
          ok: false,
          error: { code: 'RESEND_TOO_SOON', details: { retryAfterSeconds: 40 } },
        });
        clock.advance(40);
        expect(must(await services.unlock.resendCode(attemptId, ctx)).sendsLeft).toBe(1);
        clock.advance(60);
        expect(must(await services.unlock.resendCode(attemptId, ctx)).sendsLeft).toBe(0);
        clock.advance(60);
        expect(await services.unlock.resendCode(attemptId, ctx)).toMatchObject({
          error: { code: 'RESEND_LIMIT' },
        });
      });

      it('when the code is older than ten minutes, then it has expired, and a resend gives a working one', async () => {
        const { services, driver, card, clock } = await world();
        await driver.register(card);
        const { attemptId, code } = await driver.unlockToCode(card);
        clock.advance(601);
        expect(await services.unlock.step('code', attemptId, code, ctx)).toMatchObject({
          error: { code: 'CODE_EXPIRED' },
        });
        const before = smtp.received.length;
        must(await services.unlock.resendCode(attemptId, ctx));
        const fresh = await driver.nextCode(before);
        expect((await services.unlock.step('code', attemptId, fresh, ctx)).ok).toBe(true);
      });

      it('when the card locks in another session after the answers, then the code releases nothing', async () => {
        const { services, driver, card } = await world();
        await driver.register(card);
        const { attemptId, code } = await driver.unlockToCode(card);
        const other = await driver.provedUnlock(card);
        const wrong = [
          { questionId: 'first-car', answer: 'Ford Focus' },
          { questionId: 'childhood-phone', answer: '1' },
        ];
        for (let i = 0; i < 3; i++) await services.unlock.step('answers', other, wrong, ctx);
        expect(await services.unlock.step('code', attemptId, code, ctx)).toMatchObject({
          error: { code: 'SELF_SERVICE_LOCKED' },
        });
        expect(must(await services.admin.showCard(card.cardId)).pukReleasesToday).toBe(0);
      });

      it('when the right code is checked, then nothing is released until the unblock, and that only once', async () => {
        const { services, driver, card } = await world();
        await driver.register(card);
        const { attemptId, code } = await driver.unlockToCode(card);
        expect(await services.unlock.step('unblock', attemptId, undefined, ctx)).toMatchObject({
          error: { code: 'ATTEMPT_STATE' },
        });
        expect(await services.unlock.step('code', attemptId, code, ctx)).toEqual({
          ok: true,
          value: { unblockBy: expect.any(String) },
        });
        expect(must(await services.admin.showCard(card.cardId)).pukReleasesToday).toBe(0);
        // Sent again (its answer lost), the code answers the same and releases nothing.
        expect(await services.unlock.step('code', attemptId, code, ctx)).toEqual({
          ok: true,
          value: { unblockBy: expect.any(String) },
        });
        expect(must(await services.admin.showCard(card.cardId)).pukReleasesToday).toBe(0);
        const first = must(await services.unlock.step('unblock', attemptId, undefined, ctx));
        // Once the PUK is released the code is done with.
        expect(await services.unlock.step('code', attemptId, code, ctx)).toMatchObject({
          error: { code: 'ATTEMPT_STATE' },
        });
        expect(first).toMatchObject({ puk: card.puk, unconfirmedPuk: null });
        // Asked again (its answer lost on the way), the same release comes back, not counted twice:
        // the card holds the current PUK or, had the app rotated it, the next one.
        expect(must(await services.unlock.step('unblock', attemptId, undefined, ctx))).toEqual(
          givenAgain(first),
        );
        expect(must(await services.admin.showCard(card.cardId)).pukReleasesToday).toBe(1);
        must(
          await services.unlock.step(
            'outcome',
            attemptId,
            { outcome: 'unlocked', pukOnCard: 'next' },
            ctx,
          ),
        );
        expect(await services.unlock.step('unblock', attemptId, undefined, ctx)).toMatchObject({
          error: { code: 'ATTEMPT_STATE' },
        });
      });

      it('when the unblock answer is lost after the release commits, then the same attempt fetches it again, the release and its audit row committed together, and the outcome commits the rotation', async () => {
        const { services, driver, card, clock } = await world({ puk: { maxReleasesPerDay: 1 } });
        await driver.register(card);
        const { attemptId, code } = await driver.unlockToCode(card);
        must(await services.unlock.step('code', attemptId, code, ctx));
        // The answer is dropped: the app never sees it, and asks again for the rest of the attempt.
        must(await services.unlock.step('unblock', attemptId, undefined, ctx));
        const again = must(await services.unlock.step('unblock', attemptId, undefined, ctx));
        const third = must(await services.unlock.step('unblock', attemptId, undefined, ctx));
        expect(third).toEqual(again);
        expect(must(await services.admin.showCard(card.cardId)).pukReleasesToday).toBe(1);
        const trail = must(await services.admin.auditTrail({ cardId: card.cardId }));
        const releases = trail.filter((e) => e.action === 'unlock.puk-release');
        expect(releases.map((e) => [e.outcome, e.detail])).toEqual(
          expect.arrayContaining([
            ['ok', 'releasesToday=1;rotation=new'],
            ['ok', 'released-again'],
          ]),
        );
        expect(releases).toHaveLength(3);
        must(
          await services.unlock.step(
            'outcome',
            attemptId,
            { outcome: 'unlocked', pukOnCard: 'next' },
            ctx,
          ),
        );
        // Tomorrow (today's one release is spent), the next visit offers the rotated PUK alone.
        clock.advance(24 * 3600);
        const next = await driver.unlockToCode(card);
        expect(must(await codeThenUnblock(services, next.attemptId, next.code))).toMatchObject({
          puk: again.nextPuk,
          unconfirmedPuk: null,
        });
      });

      it.skipIf(!backend.multiInstance)(
        'when a retried unblock overlaps the first (PostgreSQL), then both get the same release, counted once, and the attempt stays open, even at the daily cap',
        async () => {
          const w = await world({ puk: { maxReleasesPerDay: 1 } });
          const { services, driver, card, storage } = w;
          if (storage.kind !== 'postgres') throw new Error('this interleaving needs PostgreSQL');
          await driver.register(card);
          const { hooked: firstInstance, hook: pendingSet } =
            await w.hookedInstance(updatesPendingPuk);
          const { attemptId, code } = await driver.unlockToCode(card);
          must(await services.unlock.step('code', attemptId, code, ctx));
          const watcher = new pg.Client({ connectionString: storage.url });
          await watcher.connect();
          try {
            // The first request is inside its transaction when the app, having lost patience,
            // asks again on another instance; the retry read the attempt before the commit.
            let retry: Promise<DomainResult<UnblockAuthorisation>> | undefined;
            pendingSet.arm(async () => {
              retry = services.unlock.step('unblock', attemptId, undefined, ctx);
              await lockWaitOn(watcher, '%puk_releases%');
            });
            const first = must(
              await firstInstance.unlock.step('unblock', attemptId, undefined, ctx),
            );
            expect(must(await retry!)).toEqual(givenAgain(first));
            expect(must(await services.admin.showCard(card.cardId)).pukReleasesToday).toBe(1);
            must(
              await services.unlock.step(
                'outcome',
                attemptId,
                { outcome: 'unlocked', pukOnCard: 'next' },
                ctx,
              ),
            );
          } finally {
            await watcher.end();
          }
        },
      );

      it('when the database goes away after right answers, then Try again is checked again and sends the code, or says where the code already went', async () => {
        const w = await world();
        const { services, driver, card } = w;
        await driver.register(card);
        const attemptId = await driver.provedUnlock(card);
        // The attempt moves to answered, then the database fails before the code is stored.
        const { failing, fired } = await w.goesAwayAfter(
          (node) => node.kind === 'UpdateQueryNode' && JSON.stringify(node).includes('"answered"'),
        );
        await expect(failing.unlock.step('answers', attemptId, ANSWERS, ctx)).rejects.toThrow(
          'went away',
        );
        expect(fired()).toBe(true);
        // Wrong answers on the retry still count; the right ones send the code.
        const wrong = ANSWERS.map((a) => ({ ...a, answer: 'Nope' }));
        expect(await services.unlock.step('answers', attemptId, wrong, ctx)).toMatchObject({
          error: { code: 'ANSWERS_WRONG', details: { triesLeft: 2 } },
        });
        const before = smtp.received.length;
        const sent = must(await services.unlock.step('answers', attemptId, ANSWERS, ctx));
        const code = await driver.nextCode(before);
        // Once a code has gone, the same answers again are told where it went, and no more is sent.
        const mails = smtp.received.length;
        expect(must(await services.unlock.step('answers', attemptId, ANSWERS, ctx))).toEqual(sent);
        must(await services.unlock.step('code', attemptId, code, ctx));
        expect(smtp.received.length).toBe(mails);
        expect(await services.unlock.step('answers', attemptId, ANSWERS, ctx)).toMatchObject({
          error: { code: 'ATTEMPT_STATE' },
        });
        const trail = must(await services.admin.auditTrail({ cardId: card.cardId }));
        // Newest first; the answers the holder never heard about left no row.
        expect(
          trail.filter((e) => e.action === 'unlock.answers').map((e) => [e.outcome, e.detail]),
        ).toEqual([
          ['ATTEMPT_STATE', null],
          ['ok', 'answered-again;code=kept'],
          ['ok', 'answered-again'],
          ['ANSWERS_WRONG', 'triesLeft=2'],
        ]);
      });

      it('when the database goes away after the right code was spent, then the same code again is told it verified the attempt, and another is not', async () => {
        const w = await world();
        const { services, driver, card } = w;
        await driver.register(card);
        const { attemptId, code } = await driver.unlockToCode(card);
        // The code is spent (the attempt verified), then the database fails before its audit row.
        const { failing, fired } = await w.goesAwayAfter((node) =>
          setsColumns(node, ['code_used_at', 'state']),
        );
        await expect(failing.unlock.step('code', attemptId, code, ctx)).rejects.toThrow(
          'went away',
        );
        expect(fired()).toBe(true);
        expect(await services.unlock.step('code', attemptId, 'ZZZZZZZZ', ctx)).toMatchObject({
          error: { code: 'ATTEMPT_STATE' },
        });
        const again = must(await services.unlock.step('code', attemptId, code, ctx));
        expect(Date.parse(again.unblockBy)).toBeGreaterThan(w.clock.now().getTime());
        // The unblock follows once, as after any right code.
        expect(must(await services.unlock.step('unblock', attemptId, undefined, ctx)).puk).toBe(
          card.puk,
        );
        const trail = must(await services.admin.auditTrail({ cardId: card.cardId }));
        expect(
          trail.filter((e) => e.action === 'unlock.code').map((e) => [e.outcome, e.detail]),
        ).toEqual([
          ['ok', 'checked-again'],
          ['ATTEMPT_STATE', null],
        ]);
      });

      it('when the release cannot commit, then neither the count, the pending PUK nor its audit row is left behind', async () => {
        const w = await world();
        const { services, driver, card } = w;
        await driver.register(card);
        const { attemptId, code } = await driver.unlockToCode(card);
        must(await services.unlock.step('code', attemptId, code, ctx));
        // The database fails once the next PUK is pending, after the count and the release.
        const { failing } = await w.goesAwayAfter(updatesPendingPuk);
        await expect(failing.unlock.step('unblock', attemptId, undefined, ctx)).rejects.toThrow(
          'went away',
        );
        expect(must(await services.admin.showCard(card.cardId))).toMatchObject({
          pukReleasesToday: 0,
          pendingPukRotation: false,
        });
        const trail = must(await services.admin.auditTrail({ cardId: card.cardId }));
        expect(trail.filter((e) => e.action === 'unlock.puk-release')).toEqual([]);
        // Nothing was released, so the attempt still may be: once, counted once.
        expect(must(await services.unlock.step('unblock', attemptId, undefined, ctx)).puk).toBe(
          card.puk,
        );
        expect(must(await services.admin.showCard(card.cardId)).pukReleasesToday).toBe(1);
      });

      it('when the card locks in another session after the right code, then the unblock releases nothing', async () => {
        const { services, driver, card } = await world();
        await driver.register(card);
        const { attemptId, code } = await driver.unlockToCode(card);
        must(await services.unlock.step('code', attemptId, code, ctx));
        const other = await driver.provedUnlock(card);
        const wrong = [
          { questionId: 'first-car', answer: 'Ford Focus' },
          { questionId: 'childhood-phone', answer: '1' },
        ];
        for (let i = 0; i < 3; i++) await services.unlock.step('answers', other, wrong, ctx);
        expect(await services.unlock.step('unblock', attemptId, undefined, ctx)).toMatchObject({
          error: { code: 'SELF_SERVICE_LOCKED' },
        });
        expect(must(await services.admin.showCard(card.cardId)).pukReleasesToday).toBe(0);
      });

      it('when the attempt ends between the right code and the unblock, then the unblock is refused', async () => {
        const { services, driver, card, clock } = await world();
        await driver.register(card);
        const { attemptId, code } = await driver.unlockToCode(card);
        const verified = must(await services.unlock.step('code', attemptId, code, ctx));
        clock.advance((Date.parse(verified.unblockBy) - clock.now().getTime()) / 1000);
        expect(await services.unlock.step('unblock', attemptId, undefined, ctx)).toMatchObject({
          error: { code: 'ATTEMPT_EXPIRED' },
        });
        expect(must(await services.admin.showCard(card.cardId)).pukReleasesToday).toBe(0);
      });

      it('when fifteen minutes pass, then the attempt has ended', async () => {
        const { services, driver, card, clock } = await world();
        await driver.register(card);
        const { attemptId, code } = await driver.unlockToCode(card);
        clock.advance(900);
        expect(await services.unlock.step('code', attemptId, code, ctx)).toMatchObject({
          error: { code: 'ATTEMPT_EXPIRED' },
        });
        expect(await services.unlock.resendCode(attemptId, ctx)).toMatchObject({
          error: { code: 'ATTEMPT_EXPIRED' },
        });
        // The late tries are in the audit trail, with the card and the attempt.
        const trail = must(await services.admin.auditTrail({ cardId: card.cardId }));
        expect(
          trail
            .filter((e) => e.attemptId === attemptId && e.outcome === 'ATTEMPT_EXPIRED')
            .map((e) => e.action)
            .sort(),
        ).toEqual(['unlock.code', 'unlock.code-send']);
      });

      it('when an attempt id belongs to a registration, then the unlock service does not know it, and says so in the audit trail', async () => {
        const { services, card } = await world();
        const s = must(await services.registration.start(card.cardId, ctx));
        expect(await services.unlock.resendCode(s.attemptId, ctx)).toMatchObject({
          error: { code: 'ATTEMPT_NOT_FOUND' },
        });
        const trail = must(await services.admin.auditTrail({ limit: 1000 }));
        expect(
          trail.some(
            (e) =>
              e.attemptId === s.attemptId &&
              e.action === 'unlock.code-send' &&
              e.outcome === 'ATTEMPT_NOT_FOUND',
          ),
        ).toBe(true);
      });

      it('when the outcome never arrives, then the next visit offers the old and the pending PUK', async () => {
        const { services, driver, card } = await world();
        await driver.register(card);
        const first = await driver.unlockToCode(card);
        const a1 = must(await codeThenUnblock(services, first.attemptId, first.code));
        // The app crashed here: no outcome. The next visit:
        const second = await driver.unlockToCode(card);
        const a2 = must(await codeThenUnblock(services, second.attemptId, second.code));
        expect(a2).toEqual({ puk: card.puk, unconfirmedPuk: a1.nextPuk, nextPuk: a1.nextPuk });
        must(
          await services.unlock.step(
            'outcome',
            second.attemptId,
            { outcome: 'unlocked', pukOnCard: 'next' },
            ctx,
          ),
        );
        const third = await driver.unlockToCode(card);
        const a3 = must(await codeThenUnblock(services, third.attemptId, third.code));
        expect(a3.puk).toBe(a1.nextPuk);
        expect(a3.unconfirmedPuk).toBeNull();
        // The late outcome of the first visit is refused: its attempt is over.
        expect(
          await services.unlock.step(
            'outcome',
            first.attemptId,
            { outcome: 'unlocked', pukOnCard: 'next' },
            ctx,
          ),
        ).toMatchObject({ ok: false });
      });

      it('when the app reports the card kept its old PUK, then the pending one is dropped', async () => {
        const { services, driver, card } = await world();
        await driver.register(card);
        const first = await driver.unlockToCode(card);
        must(await codeThenUnblock(services, first.attemptId, first.code));
        must(
          await services.unlock.step(
            'outcome',
            first.attemptId,
            { outcome: 'failed', pukOnCard: 'previous', failureCode: 'CARD_REMOVED' },
            ctx,
          ),
        );
        expect(must(await services.admin.showCard(card.cardId)).pendingPukRotation).toBe(false);
        const second = await driver.unlockToCode(card);
        const a2 = must(await codeThenUnblock(services, second.attemptId, second.code));
        expect(a2.puk).toBe(card.puk);
        expect(a2.unconfirmedPuk).toBeNull();
      });

      it('when the daily cap of PUK releases is reached, then further unlocks wait for tomorrow', async () => {
        const { services, driver, card, clock } = await world({ puk: { maxReleasesPerDay: 2 } });
        await driver.register(card);
        for (let i = 0; i < 2; i++) {
          const u = await driver.unlockToCode(card);
          must(await codeThenUnblock(services, u.attemptId, u.code));
          must(
            await services.unlock.step(
              'outcome',
              u.attemptId,
              { outcome: 'unlocked', pukOnCard: 'next' },
              ctx,
            ),
          );
        }
        expect(await startAndProve(services, card)).toMatchObject({
          error: { code: 'PUK_RELEASE_LIMIT' },
        });
        clock.advance(24 * 3600);
        expect((await startAndProve(services, card)).ok).toBe(true);
      });

      it('when an attempt is cancelled, then it cannot go on', async () => {
        const { services, driver, card } = await world();
        await driver.register(card);
        const { attemptId, code } = await driver.unlockToCode(card);
        must(await services.unlock.cancel(attemptId, ctx));
        expect(await services.unlock.step('code', attemptId, code, ctx)).toMatchObject({
          error: { code: 'ATTEMPT_STATE' },
        });
        expect(await services.unlock.cancel('x'.repeat(32), ctx)).toMatchObject({
          error: { code: 'ATTEMPT_NOT_FOUND' },
        });
      });
    });

    describe('mail', () => {
      it('when SMTP is down, then the holder is told, nothing is counted, and a resend works once it is back', async () => {
        const { services, driver, card, clock } = await world();
        await driver.register(card);
        const attemptId = await driver.provedUnlock(card);
        await smtp.down();
        try {
          expect(await services.unlock.step('answers', attemptId, ANSWERS, ctx)).toEqual({
            ok: false,
            error: { code: 'MAIL_UNAVAILABLE' },
          });
          expect(await services.unlock.resendCode(attemptId, ctx)).toMatchObject({
            error: { code: 'MAIL_UNAVAILABLE' },
          });
        } finally {
          await smtp.up();
        }
        clock.advance(1);
        const before = smtp.received.length;
        const delivery = must(await services.unlock.resendCode(attemptId, ctx));
        expect(delivery.sendsLeft).toBe(2);
        const code = await driver.nextCode(before);
        expect((await services.unlock.step('code', attemptId, code, ctx)).ok).toBe(true);
      });

      it('when a resend certainly fails, then the code mailed before still works, with the tries it had', async () => {
        const { services, driver, card, clock } = await world();
        await driver.register(card);
        const { attemptId, code } = await driver.unlockToCode(card);
        expect(await services.unlock.step('code', attemptId, 'WRONG234', ctx)).toMatchObject({
          error: { code: 'CODE_WRONG', details: { triesLeft: 4 } },
        });
        clock.advance(61);
        await smtp.down();
        try {
          expect(await services.unlock.resendCode(attemptId, ctx)).toMatchObject({
            error: { code: 'MAIL_UNAVAILABLE' },
          });
        } finally {
          await smtp.up();
        }
        // The unsent code was stored before the send and is gone again: the first one is back.
        expect(await services.unlock.step('code', attemptId, 'WRONG567', ctx)).toMatchObject({
          error: { code: 'CODE_WRONG', details: { triesLeft: 3 } },
        });
        expect((await services.unlock.step('code', attemptId, code, ctx)).ok).toBe(true);
      });
    });

    describe('registration', () => {
      it('when a registered holder proves their card to register, then the proof says they are registered already, and only then', async () => {
        const { services, driver, card } = await world();
        const proveToRegister = async () => {
          const s = must(await services.registration.start(card.cardId, ctx));
          const signature = proof(card.pivAuthentication, 'register', s.attemptId, s.nonce);
          return must(await services.registration.step('proof', s.attemptId, signature, ctx));
        };
        expect(await proveToRegister()).toMatchObject({ alreadyRegistered: false });
        await driver.register(card);
        expect(await proveToRegister()).toMatchObject({ alreadyRegistered: true });
      });

      it('when a holder registers again, then the new answers replace the old ones', async () => {
        const { services, driver, card } = await world();
        await driver.register(card);
        await driver.register(card, [
          { questionId: 'first-pet', answer: 'Rex' },
          { questionId: 'first-school', answer: 'Holy Cross' },
        ]);
        const attemptId = await driver.provedUnlock(card);
        expect(await services.unlock.step('answers', attemptId, ANSWERS, ctx)).toMatchObject({
          error: { code: 'VALIDATION_FAILED' },
        });
        const ok = await services.unlock.step(
          'answers',
          attemptId,
          [
            { questionId: 'first-pet', answer: 'rex' },
            { questionId: 'first-school', answer: 'holy cross' },
          ],
          ctx,
        );
        expect(ok.ok).toBe(true);
      });

      it('when the address is not confirmed, then the card is not registered', async () => {
        const { services, card } = await world();
        const s = must(await services.registration.start(card.cardId, ctx));
        const proved = must(
          await services.registration.step(
            'proof',
            s.attemptId,
            proof(card.pivAuthentication, 'register', s.attemptId, s.nonce),
            ctx,
          ),
        );
        expect(proved).toMatchObject({
          holderName: 'Mr John Rigby',
          maskedEmail: 'j****y@nhs.net',
          questionsRequired: 2,
        });
        expect(proved.catalogue.map((q) => q.text)).toEqual(
          expect.arrayContaining([
            'What was the make and model of your first car?',
            'What was your childhood phone number, including area code?',
          ]),
        );
        const before = smtp.received.length;
        must(await services.registration.step('answers', s.attemptId, ANSWERS, ctx));
        const mail = await smtp.nextCodeMail(before);
        expect(mail.subject).toContain('Confirm your email address');
        expect(await startAndProve(services, card)).toMatchObject({
          error: { code: 'CARD_NOT_REGISTERED' },
        });
        expect(
          await services.registration.step('code', s.attemptId, 'ZZZZZZZZ', ctx),
        ).toMatchObject({ error: { code: 'CODE_WRONG', details: { triesLeft: 4 } } });
      });

      it('when the registration proof uses the card authentication key, then it is refused', async () => {
        const { services, card } = await world();
        const s = must(await services.registration.start(card.cardId, ctx));
        expect(
          await services.registration.step(
            'proof',
            s.attemptId,
            proof(card.cardAuthentication, 'register', s.attemptId, s.nonce),
            ctx,
          ),
        ).toMatchObject({ error: { code: 'PROOF_INVALID' } });
      });

      it.each([
        ['one answer too few', [{ questionId: 'first-car', answer: 'Ford' }], 'answers'],
        [
          'the same question twice',
          [
            { questionId: 'first-car', answer: 'Ford' },
            { questionId: 'first-car', answer: 'Ford' },
          ],
          'answers.questionId',
        ],
        [
          'a question not in the catalogue',
          [
            { questionId: 'first-car', answer: 'Ford' },
            { questionId: 'mothers-maiden-name', answer: 'Smith' },
          ],
          'answers.questionId',
        ],
        [
          'an answer that is only punctuation',
          [
            { questionId: 'first-car', answer: 'Ford' },
            { questionId: 'first-pet', answer: '...' },
          ],
          'answers.answer',
        ],
      ])(
        'when registering with %s, then it is refused naming the field',
        async (_, answers, field) => {
          const { services, card } = await world();
          const s = must(await services.registration.start(card.cardId, ctx));
          must(
            await services.registration.step(
              'proof',
              s.attemptId,
              proof(card.pivAuthentication, 'register', s.attemptId, s.nonce),
              ctx,
            ),
          );
          expect(await services.registration.step('answers', s.attemptId, answers, ctx)).toEqual({
            ok: false,
            error: { code: 'VALIDATION_FAILED', details: { field } },
          });
        },
      );
    });

    describe('administration', () => {
      it('when one card in an import is bad, then none is imported and the row is named', async () => {
        const { services } = await world();
        const good = makeCard();
        const bad = makeCard();
        const r = await services.admin.importCards(
          [good, bad].map((c, i) => ({
            cardId: c.cardId,
            holderName: c.holderName,
            email: c.email,
            pivAuthentication: c.pivSpki,
            cardAuthentication: i === 1 ? new Uint8Array([1, 2, 3]) : c.cardSpki,
            puk: c.puk,
          })),
          'tester',
        );
        expect(r).toEqual({
          ok: false,
          error: { code: 'VALIDATION_FAILED', details: { field: 'cards[1].cardAuthentication' } },
        });
        expect(await services.admin.showCard(good.cardId)).toMatchObject({
          error: { code: 'NOT_FOUND' },
        });
      });

      it.each([
        ['holderName', 'Mr John\r\nRigby'],
        ['holderName', 'Mr \u202eybgiR nhoJ'],
        ['email', 'john.rigby@nhs.net\u200b'],
      ])(
        'when an import gives a %s with a control, line-break or bidi character, then nothing is imported',
        async (field, value) => {
          const { services } = await world();
          const c = makeCard();
          const r = await services.admin.importCards(
            [{ ...importOf(c), [field]: value }],
            'tester',
          );
          expect(r).toEqual({
            ok: false,
            error: { code: 'VALIDATION_FAILED', details: { field: `cards[0].${field}` } },
          });
        },
      );

      it('when a card is imported again, then it counts as updated and keeps its registration and rotated PUK', async () => {
        const { services, driver, card } = await world();
        await driver.register(card);
        const first = await driver.unlockToCode(card);
        const a1 = must(await codeThenUnblock(services, first.attemptId, first.code));
        must(
          await services.unlock.step(
            'outcome',
            first.attemptId,
            { outcome: 'unlocked', pukOnCard: 'next' },
            ctx,
          ),
        );
        const r = await services.admin.importCards(
          [
            {
              cardId: card.cardId.toUpperCase(),
              holderName: 'Dr John Rigby',
              email: card.email,
              pivAuthentication: card.pivSpki,
              cardAuthentication: card.cardSpki,
              puk: card.puk,
            },
          ],
          'tester',
        );
        expect(r).toEqual({ ok: true, value: { imported: 0, updated: 1 } });
        expect(must(await services.admin.showCard(card.cardId))).toMatchObject({
          holderName: 'Dr John Rigby',
          registered: true,
        });
        // The issuing system's PUK is stale once the server rotated it: the server's copy stays.
        const next = await driver.unlockToCode(card);
        expect(must(await codeThenUnblock(services, next.attemptId, next.code)).puk).toBe(
          a1.nextPuk,
        );
      });

      it('when IT resets a registration, then unlock says the card is not registered', async () => {
        const { services, driver, card } = await world();
        await driver.register(card);
        must(await services.admin.resetRegistration(card.cardId, 'desk-analyst'));
        expect(await startAndProve(services, card)).toMatchObject({
          error: { code: 'CARD_NOT_REGISTERED' },
        });
        expect(await services.admin.resetRegistration('f'.repeat(32), 'x')).toMatchObject({
          error: { code: 'NOT_FOUND' },
        });
      });

      it('when the key-encryption key rotates, then every PUK is re-encrypted and still released', async () => {
        const { driver, card, settings, keys, second } = await world();
        await driver.register(card);
        const first = await driver.unlockToCode(card);
        const a1 = must(await codeThenUnblock(driver.services, first.attemptId, first.code));
        const k2 = Buffer.alloc(32, 7).toString('base64');
        const both = await second({ keys: withActiveKey(keys, 'k2', k2) });
        expect(must(await both.admin.rotateKeyEncryptionKey('k2', 'kek-rotation'))).toEqual({
          rotated: 2,
          remaining: {},
        });
        expect(must(await both.admin.rotateKeyEncryptionKey('k2', 'kek-rotation'))).toEqual({
          rotated: 0,
          remaining: {},
        });
        expect(await both.admin.rotateKeyEncryptionKey('k9', 'x')).toMatchObject({
          error: { code: 'VALIDATION_FAILED' },
        });
        // An instance that holds only the new key can still release both PUKs.
        const onlyNew = await second({
          keys: { ...keys, keyEncryptionKeys: { k2 }, activeKeyId: 'k2' },
          storage: settings.storage,
        });
        const d2 = new Driver(onlyNew, smtp);
        const again = await d2.unlockToCode(card);
        expect(must(await codeThenUnblock(onlyNew, again.attemptId, again.code))).toEqual({
          puk: card.puk,
          unconfirmedPuk: a1.nextPuk,
          nextPuk: a1.nextPuk,
        });
      });

      it('when the key rotates between an unblock and its outcome, then the outcome still commits the rotation', async () => {
        const { driver, card, keys, second } = await world();
        await driver.register(card);
        const first = await driver.unlockToCode(card);
        const a1 = must(await codeThenUnblock(driver.services, first.attemptId, first.code));
        const k2 = Buffer.alloc(32, 9).toString('base64');
        const both = await second({ keys: withActiveKey(keys, 'k2', k2) });
        // The current and the pending PUK are both re-sealed while the holder's card is updated.
        expect(must(await both.admin.rotateKeyEncryptionKey('k2', 'kek-rotation')).rotated).toBe(2);
        await expectRotationCommitted(both, both, card, first.attemptId, a1.nextPuk);
      });

      it('when the key rotates between a release and its re-fetch, then the same PUKs come back and the outcome commits the rotation', async () => {
        const { driver, card, keys, second } = await world();
        await driver.register(card);
        const first = await driver.unlockToCode(card);
        const a1 = must(await codeThenUnblock(driver.services, first.attemptId, first.code));
        const k2 = Buffer.alloc(32, 11).toString('base64');
        const both = await second({ keys: withActiveKey(keys, 'k2', k2) });
        expect(must(await both.admin.rotateKeyEncryptionKey('k2', 'kek-rotation')).rotated).toBe(2);
        expect(must(await both.unlock.step('unblock', first.attemptId, undefined, ctx))).toEqual(
          givenAgain(a1),
        );
        await expectRotationCommitted(both, both, card, first.attemptId, a1.nextPuk);
      });

      it.skipIf(!backend.multiInstance)(
        'when a rotation re-seals the pending PUK while an unblock resumes it (PostgreSQL; SQLite runs one writer at a time), then the rotation waits for the release to commit and the outcome still commits',
        async () => {
          const w = await world();
          const { driver, card, keys, settings, clock, logger, storage } = w;
          if (storage.kind !== 'postgres') throw new Error('this interleaving needs PostgreSQL');
          await driver.register(card);
          const k2 = Buffer.alloc(32, 13).toString('base64');
          const cardRead = stepAfter(readsCards);
          const unblocking = await withKeyAdded(w, k2, [cardRead.plugin]);
          const admin = await createServices(
            { ...settings, keys: withActiveKey(keys, 'k2', k2) },
            { now: clock.now, logger },
          );
          open.push(admin);
          const watcher = new pg.Client({ connectionString: storage.url });
          await watcher.connect();
          try {
            // An earlier visit left its rotation pending (its outcome never came back), so this
            // unblock resumes it and only reads the card's row: only the lock keeps them apart.
            const earlier = await driver.unlockToCode(card);
            must(await codeThenUnblock(driver.services, earlier.attemptId, earlier.code));
            const first = await new Driver(unblocking, smtp).unlockToCode(card);
            must(await unblocking.unlock.step('code', first.attemptId, first.code, ctx));
            // Right after the unblock reads the pending PUK inside its transaction, the rotation
            // starts; the unblock goes on only once the rotation waits for the card's row.
            let rotation: Promise<unknown> | undefined;
            cardRead.arm(async () => {
              rotation = admin.admin.rotateKeyEncryptionKey('k2', 'kek-rotation');
              await lockWaitOn(watcher, '%update%cards%');
            });
            const a1 = must(
              await unblocking.unlock.step('unblock', first.attemptId, undefined, ctx),
            );
            expect(cardRead.fired()).toBe(true);
            expect(a1.unconfirmedPuk).not.toBeNull();
            expect(must((await rotation) as Parameters<typeof must>[0])).toMatchObject({
              rotated: 2,
            });
            await expectRotationCommitted(unblocking, admin, card, first.attemptId, a1.nextPuk);
          } finally {
            await watcher.end();
          }
        },
      );

      it('when the audit trail is read, then it lists every step with its outcome and no secret', async () => {
        const { services, driver, card } = await world();
        await driver.register(card);
        const { attemptId, code } = await driver.unlockToCode(card);
        await services.unlock.step('code', attemptId, 'ZZZZZZZZ', ctx);
        const auth = must(await codeThenUnblock(services, attemptId, code));
        const trail = must(await services.admin.auditTrail({ cardId: card.cardId }));
        const steps = trail.map((e) => `${e.action}:${e.outcome}`).reverse();
        expect(steps).toEqual(
          expect.arrayContaining([
            'register.start:ok',
            'register.proof:ok',
            'register.complete:ok',
            'unlock.start:ok',
            'unlock.proof:ok',
            'unlock.answers:ok',
            'unlock.code-send:ok',
            'unlock.code:CODE_WRONG',
            'unlock.code:ok',
            'unlock.puk-release:ok',
          ]),
        );
        expect(
          trail.every(
            (e) => e.sourceAddress === '10.0.0.7' || e.sourceAddress.startsWith('admin:'),
          ),
        ).toBe(true);
        const text = JSON.stringify(trail);
        for (const secret of [code, auth.puk, auth.nextPuk, 'Ford Focus', '0121 555 0123']) {
          expect(text).not.toContain(secret);
        }
      });

      it('when anyone tries to change or delete audit rows, then the database refuses', async () => {
        const { storage, driver, card } = await world();
        await driver.register(card);
        await expect(backend.exec(storage, "UPDATE audit_log SET outcome = 'ok'")).rejects.toThrow(
          /append-only/,
        );
        await expect(backend.exec(storage, 'DELETE FROM audit_log')).rejects.toThrow(/append-only/);
      });
    });

    describe('secrets', () => {
      it('when a card is registered and unlocked, then no answer, code or PUK is stored or logged in clear', async () => {
        const { services, driver, card, storage, logger } = await world();
        await driver.register(card);
        const { attemptId, code } = await driver.unlockToCode(card);
        const auth = must(await codeThenUnblock(services, attemptId, code));
        must(
          await services.unlock.step(
            'outcome',
            attemptId,
            { outcome: 'unlocked', pukOnCard: 'next' },
            ctx,
          ),
        );
        const stored = await backend.dumpAll(storage);
        expect(stored).toContain(card.cardId);
        const logs = logger.lines.join('\n');
        expect(logs.length).toBeGreaterThan(0);
        for (const secret of [
          card.puk,
          auth.nextPuk,
          code,
          'Ford Focus',
          'ford focus',
          '0121 555 0123',
          '0121 555 0123'.replace(/ /g, ''),
        ]) {
          expect(stored).not.toContain(secret);
          expect(logs).not.toContain(secret);
        }
      });
    });

    describe('concurrency', () => {
      it('when 20 wrong answers race from two instances, then exactly three count and the card locks', async () => {
        const { services, driver, card, second } = await world();
        const other = await second();
        await driver.register(card);
        // A card holds at most three open attempts: the 20 answers share them.
        const attempts: string[] = [];
        for (let i = 0; i < 3; i++) attempts.push(await driver.provedUnlock(card));
        const wrong = [
          { questionId: 'first-car', answer: 'Ford Focus' },
          { questionId: 'childhood-phone', answer: '1' },
        ];
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            (i % 2 === 0 ? services : other).unlock.step('answers', attempts[i % 3]!, wrong, ctx),
          ),
        );
        const codes = results.map((r) => (r.ok ? 'ok' : r.error.code));
        expect(codes.filter((c) => c === 'ANSWERS_WRONG')).toHaveLength(2);
        expect(codes.filter((c) => c === 'SELF_SERVICE_LOCKED')).toHaveLength(18);
        expect(must(await services.admin.showCard(card.cardId))).toMatchObject({
          wrongAnswerSubmissions: 3,
          selfServiceLocked: true,
        });
      });

      it('when wrong codes race from two instances, then exactly five tries are spent', async () => {
        const { services, driver, card, second } = await world();
        const other = await second();
        await driver.register(card);
        const { attemptId, code } = await driver.unlockToCode(card);
        const wrong = code === 'AAAAAAAA' ? 'BBBBBBBB' : 'AAAAAAAA';
        const results = await Promise.all(
          Array.from({ length: 12 }, (_, i) =>
            (i % 2 === 0 ? services : other).unlock.step('code', attemptId, wrong, ctx),
          ),
        );
        const codes = results.map((r) => (r.ok ? 'ok' : r.error.code));
        expect(codes.filter((c) => c === 'CODE_WRONG')).toHaveLength(4);
        expect(codes.filter((c) => c === 'CODE_TRIES_EXHAUSTED')).toHaveLength(8);
        expect(await services.unlock.step('code', attemptId, code, ctx)).toMatchObject({
          error: { code: 'CODE_TRIES_EXHAUSTED' },
        });
      });

      it('when the right code and the unblock are each sent many times at once from two instances, then the PUK is released once and every unblock gets that release', async () => {
        const { services, driver, card, second } = await world();
        const other = await second();
        await driver.register(card);
        const { attemptId, code } = await driver.unlockToCode(card);
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            (i % 2 === 0 ? services : other).unlock.step('code', attemptId, code, ctx),
          ),
        );
        // One spends the code; one read after it is told so again; one that raced it is refused.
        expect(results.filter((r) => r.ok).length).toBeGreaterThanOrEqual(1);
        const trail = must(await services.admin.auditTrail({ cardId: card.cardId }));
        const spent = trail.filter((e) => e.action === 'unlock.code' && e.outcome === 'ok');
        expect(spent.filter((e) => e.detail !== 'checked-again')).toHaveLength(1);
        const unblocks = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            (i % 2 === 0 ? services : other).unlock.step('unblock', attemptId, undefined, ctx),
          ),
        );
        // One release, which every request gets: the first as made, the others as given again.
        const auths = unblocks.map((r) => must(r));
        const made = auths.filter((a) => a.unconfirmedPuk === null);
        expect(made).toHaveLength(1);
        for (const again of auths.filter((a) => a.unconfirmedPuk !== null)) {
          expect(again).toEqual(givenAgain(made[0]!));
        }
        expect(must(await services.admin.showCard(card.cardId)).pukReleasesToday).toBe(1);
      });

      it('when several attempts reach the code at once, then the daily cap of PUK releases holds', async () => {
        const { services, driver, card, second } = await world({ puk: { maxReleasesPerDay: 1 } });
        const other = await second();
        await driver.register(card);
        // Three attempts: as many as a card may hold open at once.
        const ready = [];
        for (let i = 0; i < 3; i++) ready.push(await driver.unlockToCode(card));
        const results = await Promise.all(
          ready.map((u, i) => codeThenUnblock(i % 2 === 0 ? services : other, u.attemptId, u.code)),
        );
        expect(results.filter((r) => r.ok)).toHaveLength(1);
        expect(results.filter((r) => !r.ok && r.error.code === 'PUK_RELEASE_LIMIT')).toHaveLength(
          2,
        );
        // Both releases name the same rotation: the card can only ever hold one of two PUKs.
        const auths = results.flatMap((r) => (r.ok ? [r.value] : []));
        expect(new Set(auths.map((a) => a.nextPuk)).size).toBe(1);
      });
    });

    describe('hostile load', () => {
      /** The audit rows about unknown attempts, newest first. */
      async function unknownAttemptRows(services: ServerCore) {
        const trail = must(await services.admin.auditTrail({ limit: 1000 }));
        return trail.filter((e) => e.outcome === 'ATTEMPT_NOT_FOUND');
      }
      /** The unknown-attempt counter's total, and its count for one action. */
      async function counted(metrics: HttpMetrics, action?: string): Promise<number> {
        const { values } = await metrics.unknownAttempts.get();
        return values
          .filter((v) => action === undefined || v.labels.action === action)
          .reduce((n, v) => n + v.value, 0);
      }
      /** The ids of a card's attempts that have not ended, sorted. */
      async function openAttempts(
        services: Awaited<ReturnType<typeof build>>,
        cardId: string,
      ): Promise<string[]> {
        const rows = await services.database.db
          .selectFrom('attempts')
          .select('attempt_id')
          .where('card_id', '=', cardId)
          .where('state', '!=', 'ended')
          .execute();
        return rows.map((r) => r.attempt_id).sort();
      }

      it('when 60 requests name unknown attempts from one address within a minute, then one audit row is written and 60 are counted; another address, and the same one a minute later, get a row each', async () => {
        const { services, clock, metrics } = await world();
        const made = () => randomBytes(24).toString('base64url');
        const noProof = new Uint8Array([0x30, 0x00]);
        const outcome = { outcome: 'unlocked', pukOnCard: 'next' } as const;
        const steps: ((c: RequestContext) => Promise<{ ok: boolean }>)[] = [
          (c) => services.unlock.step('proof', made(), noProof, c),
          (c) => services.unlock.step('answers', made(), ANSWERS, c),
          (c) => services.unlock.resendCode(made(), c),
          (c) => services.unlock.step('code', made(), 'AAAAAAAA', c),
          (c) => services.unlock.step('unblock', made(), undefined, c),
          (c) => services.unlock.step('outcome', made(), outcome, c),
          (c) => services.unlock.cancel(made(), c),
          (c) => services.registration.step('proof', made(), noProof, c),
          (c) => services.registration.step('answers', made(), ANSWERS, c),
          (c) => services.registration.resendCode(made(), c),
          (c) => services.registration.step('code', made(), 'AAAAAAAA', c),
          (c) => services.registration.cancel(made(), c),
        ];
        for (let i = 0; i < 60; i++) {
          expect(await steps[i % steps.length]!(ctx)).toMatchObject({
            error: { code: 'ATTEMPT_NOT_FOUND' },
          });
          clock.advance(0.9);
        }
        expect(await unknownAttemptRows(services)).toEqual([
          expect.objectContaining({ sourceAddress: ctx.sourceAddress, action: 'unlock.proof' }),
        ]);
        expect(await counted(metrics)).toBe(60);
        expect(await counted(metrics, 'unlock.proof')).toBe(5);
        expect(await counted(metrics, 'register.code')).toBe(5);

        const elsewhere = { sourceAddress: '10.0.0.8', requestId: 'req-elsewhere' };
        await steps[2]!(elsewhere);
        await steps[3]!(elsewhere);
        const byAddress = (rows: Awaited<ReturnType<typeof unknownAttemptRows>>) =>
          rows.map((e) => e.sourceAddress).sort();
        expect(byAddress(await unknownAttemptRows(services))).toEqual(['10.0.0.7', '10.0.0.8']);

        // 54 s since the first row: a minute later, the first address gets its next row.
        clock.advance(6);
        await steps[4]!(ctx);
        const rows = await unknownAttemptRows(services);
        expect(byAddress(rows)).toEqual(['10.0.0.7', '10.0.0.7', '10.0.0.8']);
        expect(rows[0]).toMatchObject({
          sourceAddress: ctx.sourceAddress,
          action: 'unlock.puk-release',
          detail: 'unaudited=59',
        });
        expect(await counted(metrics)).toBe(63);
      });

      it('when requests name attempts that ended or expired, then each one is still audited and none is counted as unknown', async () => {
        const { services, driver, card, clock, metrics } = await world();
        await driver.register(card);
        const cancelled = await driver.provedUnlock(card);
        must(await services.unlock.cancel(cancelled, ctx));
        const expiring = must(await services.unlock.start(card.cardId, ctx));
        clock.advance(900);
        for (let i = 0; i < 3; i++) {
          await services.unlock.resendCode(cancelled, ctx);
          await services.unlock.resendCode(expiring.attemptId, ctx);
        }
        const trail = must(await services.admin.auditTrail({ cardId: card.cardId }));
        const late = trail.filter((e) => e.action === 'unlock.code-send');
        expect(
          late.filter((e) => e.attemptId === cancelled && e.outcome === 'ATTEMPT_STATE'),
        ).toHaveLength(3);
        expect(
          late.filter((e) => e.attemptId === expiring.attemptId && e.outcome === 'ATTEMPT_EXPIRED'),
        ).toHaveLength(3);
        expect(await counted(metrics)).toBe(0);
      });

      it('when a 4th attempt starts for a card, then the oldest ends, answers as ended, and three stay open', async () => {
        const { services, driver, card, clock } = await world();
        await driver.register(card);
        const started: StartAttemptResponse[] = [];
        for (let i = 0; i < 4; i++) {
          started.push(must(await services.unlock.start(card.cardId, ctx)));
          clock.advance(1);
        }
        const [oldest, ...rest] = started;
        const prove = (s: StartAttemptResponse) =>
          services.unlock.step(
            'proof',
            s.attemptId,
            proof(card.cardAuthentication, 'unlock', s.attemptId, s.nonce),
            ctx,
          );
        expect(await openAttempts(services, card.cardId)).toEqual(
          rest.map((s) => s.attemptId).sort(),
        );
        // Ended before any proof, it answers as a failed proof does (below), not as ended.
        expect(await prove(oldest!)).toEqual({ ok: false, error: { code: 'PROOF_INVALID' } });
        for (const s of rest) must(await prove(s));
        const trail = must(await services.admin.auditTrail({ cardId: card.cardId }));
        expect(
          trail.some(
            (e) =>
              e.attemptId === oldest!.attemptId &&
              e.action === 'unlock.proof' &&
              e.outcome === 'ATTEMPT_STATE',
          ),
        ).toBe(true);
      });

      it('when a prober starts attempts around a holder who proved the card, then its first proof fails just as on a card nobody uses', async () => {
        const { services, driver, card, clock } = await world();
        await driver.register(card);
        const quiet = makeCard();
        await driver.importCards(quiet);
        await driver.provedUnlock(card);
        const probe = async (cardId: string) => {
          const starts: StartAttemptResponse[] = [];
          for (let i = 0; i < 3; i++) {
            clock.advance(1);
            starts.push(must(await services.unlock.start(cardId, ctx)));
          }
          const first = starts[0]!;
          return services.unlock.step(
            'proof',
            first.attemptId,
            proof(quiet.pivAuthentication, 'unlock', first.attemptId, first.nonce),
            ctx,
          );
        };
        // On the busy card the prober's first attempt was ended to keep the holder's; on the quiet
        // card it was not: the answers are the same.
        expect(await probe(card.cardId)).toEqual(await probe(quiet.cardId));
      });

      it('when the policy allows one open attempt per card, then each start ends the one before', async () => {
        const { services, driver, card } = await world({ attempt: { maxOpenPerCard: 1 } });
        await driver.register(card);
        const first = must(await services.unlock.start(card.cardId, ctx));
        const second = must(await services.unlock.start(card.cardId, ctx));
        expect(await openAttempts(services, card.cardId)).toEqual([second.attemptId]);
        expect(await services.unlock.resendCode(first.attemptId, ctx)).toMatchObject({
          error: { code: 'ATTEMPT_STATE' },
        });
      });

      it('when starts pile up behind a holder who proved the card, then the unproved ones end first and the holder carries on', async () => {
        const { services, driver, card, clock } = await world();
        await driver.register(card);
        const holder = await driver.provedUnlock(card);
        const others = [];
        for (let i = 0; i < 5; i++) {
          clock.advance(1);
          others.push(must(await services.unlock.start(card.cardId, ctx)).attemptId);
        }
        expect(await openAttempts(services, card.cardId)).toEqual(
          [holder, ...others.slice(-2)].sort(),
        );
        const before = smtp.received.length;
        must(await services.unlock.step('answers', holder, ANSWERS, ctx));
        await driver.nextCode(before);
      });

      it('when a dozen attempts start at once for one card from two instances, then all start and three stay open', async () => {
        const { services, driver, card, second } = await world();
        const other = await second();
        await driver.register(card);
        const results = await Promise.all(
          Array.from({ length: 12 }, (_, i) =>
            (i % 2 === 0 ? services : other).unlock.start(card.cardId, ctx),
          ),
        );
        expect(results.filter((r) => r.ok)).toHaveLength(12);
        expect(await openAttempts(services, card.cardId)).toHaveLength(3);
      });

      it.skipIf(!backend.multiInstance)(
        'when a start runs on another instance between a start and its commit (PostgreSQL; SQLite runs one writer at a time), then it waits for it and three stay open',
        async () => {
          const w = await world();
          const { driver, card, storage, services } = w;
          if (storage.kind !== 'postgres') throw new Error('this interleaving needs PostgreSQL');
          await driver.register(card);
          must(await services.unlock.start(card.cardId, ctx));
          must(await services.unlock.start(card.cardId, ctx));
          const supersedes = (node: RootOperationNode) =>
            node.kind === 'UpdateQueryNode' && JSON.stringify(node).includes('"superseded"');
          const { hooked: starting, hook } = await w.hookedInstance(supersedes);
          const other = await w.second();
          const watcher = new pg.Client({ connectionString: storage.url });
          await watcher.connect();
          try {
            // The third start has ended nothing (three open) and not committed yet: a fourth,
            // on another instance, must wait for it rather than count without it.
            let fourth: ReturnType<typeof other.unlock.start> | undefined;
            hook.arm(async () => {
              let settled = false;
              fourth = other.unlock.start(card.cardId, ctx);
              void fourth.finally(() => (settled = true));
              for (let i = 0; ; i++) {
                const waiting = await watcher.query<{ n: string }>(
                  "select count(*) as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()",
                );
                if (settled || Number(waiting.rows[0]?.n) > 0) break;
                if (i > 500) throw new Error('the fourth start neither waited nor finished');
                await new Promise((resolve) => setTimeout(resolve, 20));
              }
            });
            must(await starting.unlock.start(card.cardId, ctx));
            expect(hook.fired()).toBe(true);
            must(await fourth!);
            expect(await openAttempts(services, card.cardId)).toHaveLength(3);
          } finally {
            await watcher.end();
          }
        },
      );
    });
  });
}
