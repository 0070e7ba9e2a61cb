import type { KyselyPlugin } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../../../server/create-services';
import type { ServerCore } from '../../../../server/domain/ports';
import { replaceAnswerHash } from '../../../../server/storage/card-repository';
import { openDatabase, type OpenDatabase } from '../../../../server/storage/database';
import { hashedBefore0021, storedAnswerHashes } from '../../../support/legacy-answer-hash';
import { startSmtpServer, type TestSmtpServer } from '../../../support/smtp';
import { storageEngines } from '../../../support/storage-engines';
import {
  build,
  capturingLogger,
  ctx,
  Driver,
  makeCard,
  must,
  TestClock,
  testKeys,
  testSettings,
} from './harness';

const { engines } = await storageEngines('legacy-answers');

/** What the holder typed at registration, before decision 0021. */
const REGISTERED = [
  { questionId: 'first-car', answer: 'Ford Focus' },
  { questionId: 'childhood-phone', answer: '0121 496 0000' },
] as const;

/** Fails any update of the answers table: a re-hash that cannot be stored. */
const failingRehash: KyselyPlugin = {
  transformQuery: (args) => {
    if (args.node.kind === 'UpdateQueryNode' && JSON.stringify(args.node).includes('"answers"')) {
      throw new Error('the answers table is unavailable');
    }
    return args.node;
  },
  transformResult: (args) => Promise.resolve(args.result),
};

let smtp: TestSmtpServer;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(async () => {
  await smtp.stop();
});

// Holders registered before answers ignored spaces: their stored hashes are of form 1. Each engine
// proves they still get in, lose no try, and leave a hash of today's form behind.
describe.each(engines)('answers hashed before decision 0021, on %s', (_name, fresh) => {
  const open: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const o of open.splice(0).reverse()) await o.close();
  });

  /** A registered card whose stored hashes are replaced by form-1 ones (all, or `only` these). */
  async function legacyWorld(only?: readonly string[]) {
    const clock = new TestClock();
    const logger = capturingLogger();
    const settings = testSettings(await fresh(), smtp.port, testKeys());
    const services = await build(settings, clock, logger);
    open.push(services);
    const driver = new Driver(services, smtp);
    const card = makeCard();
    await driver.importCards(card);
    await driver.register(card, REGISTERED);
    const database: OpenDatabase = await openDatabase(settings.storage);
    open.push(database);
    for (const { questionId, answer } of REGISTERED) {
      if (only !== undefined && !only.includes(questionId)) continue;
      await database.db
        .updateTable('answers')
        .set({ answer_hash: await hashedBefore0021(settings, answer) })
        .where('card_id', '=', card.cardId)
        .where('question_id', '=', questionId)
        .execute();
    }
    /** The card's stored hashes by question. */
    const hashes = () => storedAnswerHashes(database.db, card.cardId);
    return { clock, logger, settings, services, driver, card, database, hashes };
  }

  /** Submits answers on a fresh proved attempt. */
  async function answer(
    services: ServerCore,
    driver: Driver,
    card: ReturnType<typeof makeCard>,
    answers: readonly { questionId: string; answer: string }[],
  ) {
    const attemptId = await driver.provedUnlock(card);
    return { attemptId, result: await services.unlock.step('answers', attemptId, answers, ctx) };
  }

  it('when the holder types a form-1 answer another way, then they get in, lose no try, and the hashes are of today’s form afterwards', async () => {
    const { services, driver, card, hashes, logger } = await legacyWorld();
    const before = await hashes();
    expect(Object.values(before).every((h) => h.startsWith('$argon2id$'))).toBe(true);

    const typed = [
      { questionId: 'first-car', answer: ' FORD  focus! ' },
      { questionId: 'childhood-phone', answer: '0121-496-0000' },
    ];
    const first = await answer(services, driver, card, typed);
    expect(first.result).toMatchObject({ ok: true });
    expect(must(await services.admin.showCard(card.cardId)).wrongAnswerSubmissions).toBe(0);

    const after = await hashes();
    for (const questionId of ['first-car', 'childhood-phone']) {
      expect(after[questionId]).toMatch(/^form2:\$argon2id\$/);
      expect(after[questionId]).not.toBe(before[questionId]);
    }
    const audit = must(await services.admin.auditTrail({ cardId: card.cardId, limit: 20 }));
    expect(audit.find((e) => e.action === 'unlock.answers')).toMatchObject({
      outcome: 'ok',
      detail: 'rehashed=2',
    });

    // From now on spaces and punctuation do not matter: what form 1 refused now gets in.
    const squeezed = [
      { questionId: 'first-car', answer: 'FordFocus' },
      { questionId: 'childhood-phone', answer: '01214960000' },
    ];
    expect((await answer(services, driver, card, squeezed)).result).toMatchObject({ ok: true });
    expect(await hashes()).toEqual(after);
    expect(must(await services.admin.showCard(card.cardId)).wrongAnswerSubmissions).toBe(0);
    const secrets = ['0121', '4960000', 'focus', 'Focus'];
    expect(logger.lines.filter((l) => secrets.some((s) => l.includes(s)))).toEqual([]);
  });

  it('when a form-1 answer is wrong, then it counts exactly once and the hashes stay as they were', async () => {
    const { services, driver, card, hashes } = await legacyWorld();
    const before = await hashes();
    const wrong = [
      { questionId: 'first-car', answer: 'Ford Focus' },
      { questionId: 'childhood-phone', answer: '0121-496-0001' },
    ];
    expect((await answer(services, driver, card, wrong)).result).toEqual({
      ok: false,
      error: { code: 'ANSWERS_WRONG', details: { triesLeft: 2 } },
    });
    expect(must(await services.admin.showCard(card.cardId)).wrongAnswerSubmissions).toBe(1);
    expect(await hashes()).toEqual(before);
  });

  it('when only one stored hash is of form 1, then only that one is hashed again', async () => {
    const { services, driver, card, hashes } = await legacyWorld(['childhood-phone']);
    const before = await hashes();
    expect(before['first-car']).toMatch(/^form2:/);
    const typed = [
      { questionId: 'first-car', answer: 'ford-focus' },
      { questionId: 'childhood-phone', answer: '(0121) 496 0000' },
    ];
    expect((await answer(services, driver, card, typed)).result).toMatchObject({ ok: true });
    const after = await hashes();
    expect(after['first-car']).toBe(before['first-car']);
    expect(after['childhood-phone']).toMatch(/^form2:/);
  });

  it('when the re-hash cannot be stored, then the answers step is undone whole: the attempt can answer again and nothing is counted', async () => {
    const { settings, clock, services, driver, card, hashes } = await legacyWorld();
    const before = await hashes();
    const failing = await createServices(settings, {
      now: clock.now,
      queryPlugins: [failingRehash],
    });
    open.push(failing);
    const attemptId = await driver.provedUnlock(card);
    const typed = [
      { questionId: 'first-car', answer: 'Ford Focus' },
      { questionId: 'childhood-phone', answer: '0121 496 0000' },
    ];
    await expect(failing.unlock.step('answers', attemptId, typed, ctx)).rejects.toThrow(
      'the answers table is unavailable',
    );
    expect(await hashes()).toEqual(before);
    // The attempt did not move on: the same attempt answers again, and this time it all commits.
    expect(await services.unlock.step('answers', attemptId, typed, ctx)).toMatchObject({
      ok: true,
    });
    expect(must(await services.admin.showCard(card.cardId)).wrongAnswerSubmissions).toBe(0);
    expect(Object.values(await hashes()).every((h) => h.startsWith('form2:'))).toBe(true);
  });

  it('when the stored hash changed since it was read (registered again), then the re-hash leaves it alone', async () => {
    const { card, database, hashes } = await legacyWorld();
    const before = await hashes();
    const stale = 'a hash read before the registration changed';
    expect(
      await replaceAnswerHash(database.db, card.cardId, 'first-car', stale, 'form2:$argon2id$x'),
    ).toBe(false);
    expect(await hashes()).toEqual(before);
  });
});

describe('answers registered now', () => {
  it('when a holder registers, then every stored hash is of today’s form', async () => {
    const [, fresh] = engines[0]!;
    const settings = testSettings(await fresh(), smtp.port, testKeys());
    const services = await build(settings, new TestClock());
    const database = await openDatabase(settings.storage);
    try {
      const driver = new Driver(services, smtp);
      const card = makeCard();
      await driver.importCards(card);
      await driver.register(card, REGISTERED);
      const rows = await database.db.selectFrom('answers').select('answer_hash').execute();
      expect(rows).toHaveLength(2);
      expect(rows.every((r) => r.answer_hash.startsWith('form2:$argon2id$'))).toBe(true);
    } finally {
      await database.close();
      await services.close();
    }
  });
});
