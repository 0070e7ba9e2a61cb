import { describe, expect, it } from 'vitest';
import type { OperatorCall } from '../../../../server/domain/desk/desk-ports';
import { upsertCard } from '../../../../server/storage/card-repository';
import { storageEngines, type StorageEngine } from '../../../support/storage-engines';
import { migratedTo, storedCard } from '../../../support/storage-fixtures';
import {
  ANSWERS,
  Driver,
  TestClock,
  build,
  codeThenUnblock,
  ctx,
  importOf,
  makeCard,
  must,
  proof,
  testKeys,
  testSettings,
  type TestCard,
  domainTestFile,
} from './harness';

const { engines } = await storageEngines('holder-support');

const file = domainTestFile();

/** The console's operator, as the console passes a signed-in desk user. */
const alice = (reason?: string): OperatorCall => ({
  operator: { via: 'console', name: 'alice@trust.nhs.uk', requestId: 'req-console' },
  ...(reason === undefined ? {} : { reason }),
});

/** Fresh services on a fresh database. */
async function world(fresh: StorageEngine[1]) {
  const clock = new TestClock();
  const services = await build(testSettings(await fresh(), file.smtp.port, testKeys()), clock);
  file.open.push(services);
  return { clock, services, driver: new Driver(services, file.smtp) };
}

/** Imports cards with a site and, where given, a mobile. */
async function importWith(
  w: Awaited<ReturnType<typeof world>>,
  ...cards: readonly (TestCard & { site?: string | null; mobile?: string })[]
) {
  const imports = cards.map((c) => ({
    ...importOf(c),
    ...(c.site === undefined ? {} : { site: c.site }),
    ...(c.mobile === undefined ? {} : { mobile: c.mobile }),
  }));
  must(await w.services.admin.importCards(imports, 'tester'));
}

/** The card's newest audit row. */
async function lastAudit(w: Awaited<ReturnType<typeof world>>, cardId: string) {
  return must(await w.services.admin.auditTrail({ cardId, limit: 1 }))[0];
}

describe.each(engines)('the service desk’s holder support on %s', (_name, fresh) => {
  it('when the desk searches by part of a name, an email, a mobile as typed or a card id, then it finds the holder, in any case', async () => {
    const w = await world(fresh);
    const rigby = {
      ...makeCard({ holderName: 'Mr John Rigby', email: 'john.rigby@nhs.net' }),
      mobile: '+447700900123',
      site: 'City Hospital',
    };
    const other = makeCard({ holderName: 'Ms Ada Smith', email: 'ada.smith@nhs.net' });
    await importWith(w, rigby, other);
    const found = async (query: string) =>
      must(await w.services.holders.search(query)).matches.map((m) => m.cardId);
    for (const query of [
      'rigby',
      'JOHN R',
      'john.rigby@',
      'NHS.NET',
      '07700 900123',
      '+44 7700 900123',
      '900123',
      rigby.cardId,
      rigby.cardId.slice(0, 6).toUpperCase(),
    ]) {
      expect(await found(query), query).toContain(rigby.cardId);
    }
    expect(await found('ada')).toEqual([other.cardId]);
    expect(await found('nobody here')).toEqual([]);
    const [match] = must(await w.services.holders.search('rigby')).matches;
    expect(match).toEqual({
      cardId: rigby.cardId,
      holderName: 'Mr John Rigby',
      email: 'john.rigby@nhs.net',
      mobile: '+447700900123',
      site: 'City Hospital',
      lockedOut: false,
      frozen: false,
    });
    expect(await w.services.holders.search(' a ')).toEqual({
      ok: false,
      error: { code: 'VALIDATION_FAILED', details: { field: 'query' } },
    });
  });

  it('when the query holds LIKE wildcards or the escape character, then they match only themselves', async () => {
    const w = await world(fresh);
    const cards = [
      'Ann 50% Jones',
      'Ann 50x Jones',
      'Bob_Lee',
      'Bob Lee',
      'Cy \\ Dee',
      'Cy x Dee',
    ].map((holderName) => makeCard({ holderName }));
    await importWith(w, ...cards);
    const names = async (query: string) =>
      must(await w.services.holders.search(query)).matches.map((m) => m.holderName);
    expect(await names('50%')).toEqual(['Ann 50% Jones']);
    expect(await names('b_l')).toEqual(['Bob_Lee']);
    expect(await names('y \\ d')).toEqual(['Cy \\ Dee']);
    expect(await names('%%')).toEqual([]);
  });

  it('when more than 50 holders match, then 50 are listed and it says there are more', async () => {
    const w = await world(fresh);
    const cards = Array.from({ length: 51 }, (_, i) =>
      makeCard({ holderName: `Holder ${String(i).padStart(2, '0')}` }),
    );
    await importWith(w, ...cards);
    const r = must(await w.services.holders.search('holder'));
    expect([r.matches.length, r.limit, r.more]).toEqual([50, 50, true]);
    expect(r.matches[0]?.holderName).toBe('Holder 00');
    const fewer = must(await w.services.holders.search('holder 1'));
    expect([fewer.matches.length, fewer.matches[0]?.holderName, fewer.more]).toEqual([
      10,
      'Holder 10',
      false,
    ]);
  });

  it('when the desk opens a card, then it sees holder, contacts, site, registration, tries, PUK releases against the cap, recent attempts and the trail', async () => {
    const w = await world(fresh);
    const card = { ...makeCard(), site: 'Sandwell' };
    await importWith(w, card);
    await w.driver.register(card);
    w.clock.advance(60);
    const { attemptId, code } = await w.driver.unlockToCode(card);
    w.clock.advance(60);
    must(await codeThenUnblock(w.services, attemptId, code));
    must(
      await w.services.unlock.step(
        'outcome',
        attemptId,
        { outcome: 'unlocked', pukOnCard: 'next' },
        ctx,
      ),
    );
    w.clock.advance(60);
    const wrong = await w.driver.provedUnlock(card);
    const given = ANSWERS.map((a) => ({ ...a, answer: 'wrong' }));
    expect((await w.services.unlock.step('answers', wrong, given, ctx)).ok).toBe(false);

    const page = must(await w.services.holders.cardPage(card.cardId.toUpperCase()));
    expect(page).toMatchObject({
      cardId: card.cardId,
      holderName: card.holderName,
      email: card.email,
      mobile: null,
      site: 'Sandwell',
      registered: true,
      registeredAt: '2026-03-02T09:00:00.000Z',
      selfServiceLocked: false,
      wrongAnswerSubmissions: 1,
      triesLeft: 2,
      pukReleasesToday: 1,
      pukReleaseCap: 3,
      selfServiceFrozen: null,
      certificates: { '9A': { notAfter: null, expired: false } },
    });
    expect(page.recentAttempts.map((a) => [a.attemptId, a.kind, a.endReason, a.expired])).toEqual([
      [wrong, 'unlock', null, false],
      [attemptId, 'unlock', 'outcome-unlocked', false],
      [expect.any(String), 'register', expect.any(String), false],
    ]);
    expect(page.audit.entries[0]).toMatchObject({
      action: 'unlock.answers',
      outcome: 'ANSWERS_WRONG',
    });
    const ids = page.audit.entries.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(page.audit.nextBefore).toBeNull();
    w.clock.advance(3600);
    const later = must(await w.services.holders.cardPage(card.cardId));
    expect(later.recentAttempts[0]?.expired).toBe(true);
    expect(await w.services.holders.cardPage('ff'.repeat(16))).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });

  it('when the trail is longer than a page, then it pages back from the oldest entry shown', async () => {
    const w = await world(fresh);
    const card = makeCard();
    await importWith(w, card);
    for (let i = 0; i < 30; i += 1)
      must(await w.services.holders.freeze(card.cardId, alice(`ticket ${i}`)));
    const first = must(await w.services.holders.cardPage(card.cardId));
    expect(first.audit.entries).toHaveLength(25);
    expect(first.audit.nextBefore).toBe(first.audit.entries.at(-1)?.id);
    const second = must(
      await w.services.holders.cardPage(card.cardId, { before: first.audit.nextBefore! }),
    );
    expect(second.audit.entries.map((e) => e.detail)).toEqual([
      'frozen=already;reason=ticket 4',
      'frozen=already;reason=ticket 3',
      'frozen=already;reason=ticket 2',
      'frozen=already;reason=ticket 1',
      'frozen=now;reason=ticket 0',
      'card=new',
    ]);
    expect(second.audit.nextBefore).toBeNull();
  });

  it('when the desk freezes a card, then self-service refuses it; unfreezing gives it back; each is audited with the operator and reason', async () => {
    const w = await world(fresh);
    const card = makeCard();
    await importWith(w, card);
    await w.driver.register(card);
    expect(
      must(await w.services.holders.freeze(card.cardId, alice('caller says card stolen INC1'))),
    ).toEqual({
      frozenNow: true,
      since: '2026-03-02T09:00:00.000Z',
    });
    expect(await lastAudit(w, card.cardId)).toMatchObject({
      action: 'admin.freeze',
      outcome: 'ok',
      sourceAddress: 'console:alice@trust.nhs.uk',
      requestId: 'req-console',
      detail: 'frozen=now;reason=caller says card stolen INC1',
    });
    const started = must(await w.services.unlock.start(card.cardId, ctx));
    const signature = proof(card.cardAuthentication, 'unlock', started.attemptId, started.nonce);
    expect(await w.services.unlock.step('proof', started.attemptId, signature, ctx)).toEqual({
      ok: false,
      error: { code: 'SELF_SERVICE_FROZEN' },
    });
    expect(must(await w.services.holders.cardPage(card.cardId)).selfServiceFrozen).toEqual({
      at: '2026-03-02T09:00:00.000Z',
      reason: 'desk',
    });
    expect(must(await w.services.holders.unfreeze(card.cardId, alice('holder checked')))).toEqual({
      wasFrozen: { at: '2026-03-02T09:00:00.000Z', reason: 'desk' },
    });
    expect(await lastAudit(w, card.cardId)).toMatchObject({
      action: 'admin.unfreeze',
      detail: 'wasFrozen=desk;reason=holder checked',
    });
    expect((await w.driver.provedUnlock(card)).length).toBeGreaterThan(0);
    expect(must(await w.services.holders.unfreeze(card.cardId, alice('again')))).toEqual({
      wasFrozen: null,
    });
  });

  it('when the desk clears a lockout or resets a registration, then the card is cleared and the row has the operator and reason', async () => {
    const w = await world(fresh);
    const card = makeCard();
    await importWith(w, card);
    await w.driver.register(card);
    for (let i = 0; i < 3; i += 1) {
      const attemptId = await w.driver.provedUnlock(card);
      await w.services.unlock.step(
        'answers',
        attemptId,
        ANSWERS.map((a) => ({ ...a, answer: 'no' })),
        ctx,
      );
    }
    expect(must(await w.services.holders.cardPage(card.cardId))).toMatchObject({
      selfServiceLocked: true,
      triesLeft: 0,
    });
    expect(
      must(await w.services.holders.clearLockout(card.cardId, alice('identity checked'))),
    ).toEqual({
      wasLocked: true,
      wrongAnswerSubmissions: 3,
      frozen: null,
    });
    expect(await lastAudit(w, card.cardId)).toMatchObject({
      action: 'admin.clear-lockout',
      sourceAddress: 'console:alice@trust.nhs.uk',
      detail: 'wasLocked=true;wrongAnswerSubmissions=3;reason=identity checked',
    });
    must(await w.services.holders.resetRegistration(card.cardId, alice('forgot answers')));
    expect(must(await w.services.holders.cardPage(card.cardId))).toMatchObject({
      registered: false,
      registeredAt: null,
    });
    expect(await lastAudit(w, card.cardId)).toMatchObject({
      action: 'admin.reset-registration',
      outcome: 'ok',
      detail: 'reason=forgot answers',
    });
  });

  it('when the desk corrects contacts, then they are checked as the import checks them and the row shows them masked', async () => {
    const w = await world(fresh);
    const card = makeCard({ email: 'old.address@nhs.net' });
    await importWith(w, card);
    await w.driver.register(card);
    const set = await w.services.holders.setContacts(
      card.cardId,
      { email: ' new.address@nhs.net ', mobile: '07700 900123' },
      alice('holder moved'),
    );
    expect(must(set)).toEqual({
      email: 'new.address@nhs.net',
      mobile: '+447700900123',
      changed: ['email', 'mobile'],
    });
    expect(must(await w.services.holders.cardPage(card.cardId))).toMatchObject({
      email: 'new.address@nhs.net',
      mobile: '+447700900123',
      registered: true,
      // The new address is not the one the holder confirmed at registration.
      emailConfirmed: false,
    });
    expect(await lastAudit(w, card.cardId)).toMatchObject({
      action: 'admin.set-contact',
      detail: 'changed=email,mobile;email=n****s@nhs.net;mobile=07*** ***123;reason=holder moved',
    });
    expect(
      must(await w.services.holders.setContacts(card.cardId, { email: null }, alice('no email'))),
    ).toEqual({
      email: null,
      mobile: '+447700900123',
      changed: ['email'],
    });
    const refused = (field: string) => ({
      ok: false,
      error: { code: 'VALIDATION_FAILED', details: { field } },
    });
    expect(await w.services.holders.setContacts(card.cardId, { mobile: '' }, alice('x'))).toEqual(
      refused('email'),
    );
    expect(
      await w.services.holders.setContacts(card.cardId, { email: 'not an address' }, alice('x')),
    ).toEqual(refused('email'));
    expect(
      await w.services.holders.setContacts(card.cardId, { mobile: '0121 496 0000' }, alice('x')),
    ).toEqual(refused('mobile'));
    expect(await lastAudit(w, card.cardId)).toMatchObject({
      detail: 'changed=email;email=none;mobile=07*** ***123;reason=no email',
    });
  });

  it('when the console gives no reason, a long one or a hidden character, or the card is unknown, then nothing changes; an unknown card is audited', async () => {
    const w = await world(fresh);
    const card = makeCard();
    await importWith(w, card);
    const refused = (field: string) => ({
      ok: false,
      error: { code: 'VALIDATION_FAILED', details: { field } },
    });
    expect(await w.services.holders.freeze(card.cardId, alice())).toEqual(refused('reason'));
    expect(await w.services.holders.freeze(card.cardId, alice('x'.repeat(201)))).toEqual(
      refused('reason'),
    );
    expect(await w.services.holders.freeze(card.cardId, alice('a\nforged=row'))).toEqual(
      refused('reason'),
    );
    expect(
      await w.services.holders.freeze(card.cardId, {
        operator: { via: 'console', name: '' },
        reason: 'x',
      }),
    ).toEqual(refused('actor'));
    expect(must(await w.services.holders.cardPage(card.cardId)).selfServiceFrozen).toBeNull();
    // The admin CLI's older commands may leave the reason out, as they always could.
    must(
      await w.services.holders.clearLockout(card.cardId, {
        operator: { via: 'admin', name: 'carol' },
      }),
    );
    const unknown = 'ee'.repeat(16);
    expect(await w.services.holders.freeze(unknown, alice('wrong card'))).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await lastAudit(w, unknown)).toMatchObject({
      action: 'admin.freeze',
      outcome: 'NOT_FOUND',
      detail: 'reason=wrong card',
    });
  });

  it('when a database from before sites is upgraded, then its cards have no site, and an import sets, keeps or removes one', async () => {
    const storage = await fresh();
    const old = await migratedTo(storage, '0009-certificate-expiry');
    const cardId = 'aa'.repeat(16);
    await upsertCard(old, storedCard(cardId), '2026-03-01T00:00:00.000Z');
    await old.destroy();
    const services = await build(
      testSettings(storage, file.smtp.port, testKeys()),
      new TestClock(),
    );
    file.open.push(services);
    expect(must(await services.admin.showCard(cardId)).site).toBeNull();
    const w = { services } as Awaited<ReturnType<typeof world>>;
    const card = makeCard();
    await importWith(w, { ...card, site: '  City Hospital ' });
    expect(must(await services.admin.showCard(card.cardId)).site).toBe('City Hospital');
    await importWith(w, card);
    expect(must(await services.admin.showCard(card.cardId)).site).toBe('City Hospital');
    await importWith(w, { ...card, site: '' });
    expect(must(await services.admin.showCard(card.cardId)).site).toBeNull();
  });
});
