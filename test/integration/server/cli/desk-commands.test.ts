import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvField, importFixtures } from '../../../unit/server/cli/import-fixtures';
import { runAdminInProcess } from '../../../support/admin-cli';

const HEADER = 'cardId,holderName,email,pivAuthentication,cardAuthentication,puk,mobile,site';
const key = (n: number) => Buffer.alloc(32, n).toString('base64');
const id = (n: number) => n.toString(16).padStart(2, '0').repeat(16);

let dir: string;
let f: ReturnType<typeof importFixtures>;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'scu-desk-cli-'));
  f = importFixtures();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Settings for one test's own SQLite database. */
const envFor = (name: string): Record<string, string> => ({
  DATA_DIR: join(dir, name),
  SCU_KEY_ENCRYPTION_KEYS: `k1=${key(1)}`,
  SCU_ACTIVE_KEY_ID: 'k1',
  SCU_ANSWER_PEPPER: key(3),
});

const admin = (env: Record<string, string>, ...argv: string[]) =>
  runAdminInProcess(dir, env, ...argv);

/** A database with three holders, two at sites, imported by carol. */
async function imported(name: string): Promise<Record<string, string>> {
  const env = envFor(name);
  const row = (n: number, holder: string, mobile: string, site: string) =>
    [
      id(n),
      holder,
      `holder${n}@nhs.net`,
      csvField(f.pem),
      f.spkiDer64,
      `1000000${n}`,
      mobile,
      site,
    ].join(',');
  const file = join(dir, `${name}.csv`);
  writeFileSync(
    file,
    [
      HEADER,
      row(1, 'Mr John Rigby', '07700 900123', 'City Hospital'),
      row(2, 'Ms Ada Smith', '', 'Sandwell'),
      row(3, 'Mr Al Jones', '', ''),
    ].join('\n'),
  );
  expect(await admin(env, 'import', file, '--actor', 'carol')).toMatchObject({ status: 0 });
  return env;
}

/** The card's audit rows, newest first. */
async function trail(env: Record<string, string>, cardId: string) {
  const r = await admin(env, 'audit', '--card', cardId, '--json');
  return JSON.parse(r.out) as { action: string; sourceAddress: string; detail: string | null }[];
}

describe('the admin CLI’s service desk commands on a real SQLite database', () => {
  it('when IT imports a site column and searches, then show names the site and search finds holders by name, mobile or card id', async () => {
    const env = await imported('search');
    expect((await admin(env, 'show', id(1))).out).toContain('Site                  City Hospital');
    expect((await admin(env, 'show', id(3))).out).toContain('Site                  none');
    const byName = await admin(env, 'search', 'RIGBY');
    expect(byName.status).toBe(0);
    expect(byName.out.split('\n')).toEqual([
      expect.stringMatching(/^CARD\s+HOLDER\s+EMAIL\s+MOBILE\s+SITE\s+SELF-SERVICE$/),
      expect.stringMatching(
        new RegExp(
          `^${id(1)}\\s+Mr John Rigby\\s+holder1@nhs.net\\s+\\+447700900123\\s+City Hospital\\s+available$`,
        ),
      ),
    ]);
    const byMobile = await admin(env, 'search', '+44 7700 900123', '--json');
    expect(JSON.parse(byMobile.out)).toMatchObject({ matches: [{ cardId: id(1) }], more: false });
    expect((await admin(env, 'search', id(2).slice(0, 8))).out).toContain('Ms Ada Smith');
    expect(await admin(env, 'search', 'nobody')).toMatchObject({
      status: 0,
      out: 'No holder matches.',
    });
    expect(await admin(env, 'search', 'x')).toMatchObject({
      status: 2,
      err: 'QUERY: is too short: type at least 2 characters.',
    });
  });

  it('when IT corrects contacts, then they are checked as the import checks them, a reason is required, and the trail records both masked', async () => {
    const env = await imported('contacts');
    const missing = await admin(env, 'set-contact', id(2), '--mobile', '07700 900456');
    expect(missing.status).toBe(2);
    expect(missing.err).toContain('--reason');
    const bad = await admin(env, 'set-contact', id(2), '--email', 'nope', '--reason', 'x');
    expect([bad.status, bad.err]).toEqual([2, '--email: is not an email address.']);
    const landline = await admin(
      env,
      'set-contact',
      id(2),
      '--mobile',
      '0121 496 0000',
      '--reason',
      'x',
    );
    expect(landline.err).toMatch(/^--mobile: is not a UK mobile number/);
    const set = await admin(
      env,
      'set-contact',
      id(2),
      '--mobile',
      '+44 (0)7700 900456',
      '--email',
      'ada@nhs.net',
      '--reason',
      'INC0042',
      '--actor',
      'carol',
    );
    expect(set).toMatchObject({
      status: 0,
      out: `Card ${id(2)}: email ada@nhs.net, mobile +447700900456.`,
    });
    expect((await trail(env, id(2)))[0]).toEqual(
      expect.objectContaining({
        action: 'admin.set-contact',
        sourceAddress: 'admin:carol',
        detail: 'changed=email,mobile;email=a****a@nhs.net;mobile=07*** ***456;reason=INC0042',
      }),
    );
    const none = await admin(env, 'set-contact', id(3), '--email', '', '--reason', 'x');
    expect(none.status).toBe(1);
    expect(none.err).toContain('VALIDATION_FAILED');
    expect(
      (await admin(env, 'set-contact', id(9), '--email', 'a@nhs.net', '--reason', 'x')).err,
    ).toContain(`No card with ID ${id(9)}`);
  });

  it('when IT freezes and unfreezes a card, or clears a lockout with a reason, then each says what it did and is audited with the reason', async () => {
    const env = await imported('freeze');
    expect((await admin(env, 'freeze', id(1))).status).toBe(2);
    expect(
      (await admin(env, 'freeze', id(1), '--reason', 'stolen card INC7', '--actor', 'dan')).out,
    ).toBe(`Self-service unlock of card ${id(1)} is frozen.`);
    expect((await admin(env, 'freeze', id(1), '--reason', 'again')).out).toMatch(
      /was already frozen, since /,
    );
    expect((await admin(env, 'show', id(1))).out).toContain('frozen by the service desk');
    expect(
      (await admin(env, 'unfreeze', id(1), '--reason', 'holder checked', '--actor', 'dan')).out,
    ).toMatch(
      new RegExp(
        `^Self-service unlock of card ${id(1)} is unfrozen \\(frozen since .*: frozen by the service desk; see audit --card\\)\\.$`,
      ),
    );
    expect((await admin(env, 'unfreeze', id(1), '--reason', 'again')).out).toBe(
      `Card ${id(1)} was not frozen; nothing to lift.`,
    );
    expect(
      (await admin(env, 'clear-lockout', id(1), '--reason', 'caller checked', '--actor', 'dan'))
        .status,
    ).toBe(0);
    const rows = await trail(env, id(1));
    expect(rows.slice(0, 5).map((r) => [r.action, r.sourceAddress, r.detail])).toEqual([
      [
        'admin.clear-lockout',
        'admin:dan',
        'wasLocked=false;wrongAnswerSubmissions=0;reason=caller checked',
      ],
      ['admin.unfreeze', expect.stringMatching(/^admin:/), 'wasFrozen=no;reason=again'],
      ['admin.unfreeze', 'admin:dan', 'wasFrozen=desk;reason=holder checked'],
      ['admin.freeze', expect.stringMatching(/^admin:/), 'frozen=already;reason=again'],
      ['admin.freeze', 'admin:dan', 'frozen=now;reason=stolen card INC7'],
    ]);
  });

  it('when IT asks for the report, then it prints each day and site, writes CSV, and refuses a range it cannot give', async () => {
    const env = await imported('report');
    const text = await admin(env, 'report', '--from', '2026-01-01', '--to', '2026-01-03');
    expect(text.status).toBe(0);
    expect(text.out).toContain('Activity from 2026-01-01 to 2026-01-03 (UK dates)');
    expect(text.out).toMatch(/^2026-01-02\s+0\s+0\s+0\s+0\s+-\s+0$/m);
    expect(text.out).toContain('Hours saved: 0 (20 minutes per in-person unlock).');
    const csv = await admin(
      env,
      'report',
      '--from',
      '2026-01-01',
      '--to',
      '2026-01-03',
      '--csv',
      'out.csv',
    );
    expect(csv.out).toBe(`Wrote 0 rows to ${join(dir, 'out.csv')}.`);
    expect(readFileSync(join(dir, 'out.csv'), 'utf8')).toMatch(/^\uFEFFDate,Site,.*\r\n$/);
    const backwards = await admin(env, 'report', '--from', '2026-01-03', '--to', '2026-01-01');
    expect([backwards.status, backwards.err]).toEqual([2, '--from: is after the end date.']);
    const long = await admin(env, 'report', '--from', '2024-01-01', '--to', '2025-06-01');
    expect(long.err).toBe('--to: is more than 366 days after the start date.');
    expect((await admin(env, 'report', '--to', '2999-01-01')).err).toBe('--to: is in the future.');
    expect((await admin(env, 'report', '--json')).status).toBe(0);
  });
});
