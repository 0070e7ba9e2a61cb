import { describe, expect, it } from 'vitest';
import { activityReportCsv } from '../../../../server/domain/desk/report-csv';
import { NotMeTokens } from '../../../../server/security/not-me-token';
import { appendAudit } from '../../../../server/storage/audit-repository';
import { openDatabase } from '../../../../server/storage/database';
import { storageEngines } from '../../../support/storage-engines';
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

const { engines } = await storageEngines('activity-report');

const file = domainTestFile();

const zero = {
  selfServiceUnlocks: 0,
  assistedUnlocks: 0,
  lockouts: 0,
  notMeReports: 0,
  medianSecondsToUnlock: null,
  hoursSaved: 0,
};

describe.each(engines)('the RA managers’ activity report on %s', (_name, fresh) => {
  it('when holders unlock, lock out, report "this wasn\'t me" and are helped by the desk, then each counts once, on its UK day and its site', async () => {
    const clock = new TestClock();
    const storage = await fresh();
    const keys = testKeys();
    const services = await build(testSettings(storage, file.smtp.port, keys), clock);
    file.open.push(services);
    const driver = new Driver(services, file.smtp);
    const city = makeCard({ email: 'city@nhs.net' });
    const sandwell = makeCard({ email: 'sandwell@nhs.net' });
    const helped = makeCard({ email: 'helped@nhs.net' });
    const nowhere = makeCard({ email: 'nowhere@nhs.net' });
    const withSite = (c: TestCard, site: string | null) => ({ ...importOf(c), site });
    must(
      await services.admin.importCards(
        [
          withSite(city, 'City Hospital'),
          withSite(sandwell, 'Sandwell'),
          withSite(helped, 'City Hospital'),
          withSite(nowhere, null),
        ],
        'tester',
      ),
    );
    for (const c of [city, sandwell, helped, nowhere]) await driver.register(c);

    /** A whole unlock taking `seconds` from its start to unlocked; its attempt id. */
    const unlock = async (c: TestCard, seconds: number) => {
      const { attemptId, code } = await driver.unlockToCode(c);
      clock.advance(seconds);
      must(await codeThenUnblock(services, attemptId, code));
      const outcome = { outcome: 'unlocked', pukOnCard: 'next' } as const;
      must(await services.unlock.step('outcome', attemptId, outcome, ctx));
      return attemptId;
    };
    // Monday 2 March 2026 (GMT): a self-service unlock and its "this wasn't me".
    const cityUnlock = await unlock(city, 90);
    const token = new NotMeTokens(keys.answerPepper).issue({
      cardId: city.cardId,
      attemptId: cityUnlock,
      unlockedAt: clock.now(),
    });
    must(await services.notMe.report(token, ctx));
    // Three wrong answers lock a card once; a later try on the locked card is no new lockout.
    const wrong = ANSWERS.map((a) => ({ ...a, answer: 'wrong' }));
    for (let i = 0; i < 3; i += 1) {
      await services.unlock.step('answers', await driver.provedUnlock(sandwell), wrong, ctx);
    }
    const started = must(await services.unlock.start(sandwell.cardId, ctx));
    const signature = proof(
      sandwell.cardAuthentication,
      'unlock',
      started.attemptId,
      started.nonce,
    );
    expect((await services.unlock.step('proof', started.attemptId, signature, ctx)).ok).toBe(false);
    // An unlock the desk approved: its attempt has the approval row.
    const helpedUnlock = await unlock(helped, 30);
    const database = await openDatabase(storage);
    await appendAudit(database.db, {
      at: clock.now().toISOString(),
      cardId: helped.cardId,
      attemptId: helpedUnlock,
      action: 'unlock.desk-approval',
      outcome: 'ok',
      sourceAddress: 'console:alice',
      requestId: null,
    });
    await database.close();
    // 23:30 UTC on Monday 1 June 2026 is 00:30 BST on Tuesday 2 June in the UK.
    clock.advance((Date.parse('2026-06-01T23:27:30Z') - clock.now().getTime()) / 1000);
    await unlock(nowhere, 150);
    expect(clock.now().toISOString()).toBe('2026-06-01T23:30:00.000Z');

    const report = must(await services.reports.activity({ from: '2026-03-01', to: '2026-06-02' }));
    expect(report.days).toHaveLength(94);
    expect(report.days.find((d) => d.day === '2026-03-02')).toEqual({
      day: '2026-03-02',
      selfServiceUnlocks: 1,
      assistedUnlocks: 1,
      lockouts: 1,
      notMeReports: 1,
      medianSecondsToUnlock: 60,
      hoursSaved: 0.7,
    });
    expect(report.days.find((d) => d.day === '2026-06-01')).toEqual({ day: '2026-06-01', ...zero });
    expect(report.days.at(-1)).toMatchObject({ day: '2026-06-02', selfServiceUnlocks: 1 });
    expect(report.sites).toEqual([
      {
        site: 'City Hospital',
        ...zero,
        selfServiceUnlocks: 1,
        assistedUnlocks: 1,
        notMeReports: 1,
        medianSecondsToUnlock: 60,
        hoursSaved: 0.7,
      },
      { site: 'Sandwell', ...zero, lockouts: 1 },
      { site: null, ...zero, selfServiceUnlocks: 1, medianSecondsToUnlock: 150, hoursSaved: 0.3 },
    ]);
    expect(report.totals).toEqual({
      selfServiceUnlocks: 2,
      assistedUnlocks: 1,
      lockouts: 1,
      notMeReports: 1,
      medianSecondsToUnlock: 90,
      hoursSaved: 1,
    });
    expect(report.minutesPerInPersonUnlock).toBe(20);
    expect(report.rows.map((r) => [r.day, r.site])).toEqual([
      ['2026-03-02', 'City Hospital'],
      ['2026-03-02', 'Sandwell'],
      ['2026-06-02', null],
    ]);
    expect(activityReportCsv(report).split('\r\n')).toHaveLength(5);

    const firstOfJune = must(
      await services.reports.activity({ from: '2026-06-01', to: '2026-06-01' }),
    );
    expect(firstOfJune.totals).toEqual(zero);
  });

  it('when the range is not real, backwards, in the future or longer than a year, then it is refused naming the date', async () => {
    const clock = new TestClock();
    const services = await build(testSettings(await fresh(), file.smtp.port, testKeys()), clock);
    file.open.push(services);
    const refused = (field: string) => ({
      ok: false,
      error: { code: 'VALIDATION_FAILED', details: { field } },
    });
    const activity = (from: string, to: string) => services.reports.activity({ from, to });
    expect(await activity('2026-02-30', '2026-03-01')).toEqual(refused('from'));
    expect(await activity('2026-03-01', '1 March')).toEqual(refused('to'));
    expect(await activity('2026-03-02', '2026-03-01')).toEqual(refused('from'));
    expect(await activity('2026-03-01', '2026-03-03')).toEqual(refused('to'));
    expect(await activity('2025-02-28', '2026-03-01')).toEqual(refused('to'));
    expect(await activity('2019-12-31', '2020-01-01')).toEqual(refused('from'));
    expect((await activity('2025-03-01', '2026-03-01')).ok).toBe(true);
    expect(must(await activity('2026-03-02', '2026-03-02')).days).toEqual([
      { day: '2026-03-02', ...zero },
    ]);
  });
});
