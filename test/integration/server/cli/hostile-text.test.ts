import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../server/config';
import { createServices } from '../../../../server/create-services';
import { appendAudit } from '../../../../server/storage/audit-repository';
import { csvField, importFixtures } from '../../../unit/server/cli/import-fixtures';
import { runAdminInProcess } from '../../../support/admin-cli';
import { must } from '../domain/harness';

const HEADER = 'cardId,holderName,email,pivAuthentication,cardAuthentication,puk';
const key = (n: number) => Buffer.alloc(32, n).toString('base64');
const id = (n: number) => n.toString(16).padStart(2, '0').repeat(16);

/** What a terminal would act on: controls (line breaks aside), bidi and other format characters. */
const RAW_HIDDEN = /(?!\n)[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

// Clear the screen, set the window title, turn text red; reverse the text after it.
const ESCAPES = '\x1b[2J\x1b]0;owned\x07\x1b[31m';
const RLO = '\u202e';

let dir: string;
let f: ReturnType<typeof importFixtures>;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'scu-hostile-'));
  f = importFixtures();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function envFor(name: string): Record<string, string> {
  return {
    DATA_DIR: join(dir, name),
    SCU_KEY_ENCRYPTION_KEYS: `k=${key(1)}`,
    SCU_ACTIVE_KEY_ID: 'k',
    SCU_ANSWER_PEPPER: key(3),
  };
}

const admin = (env: Record<string, string>, ...argv: string[]) =>
  runAdminInProcess(dir, env, ...argv);

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function expectNoRawHidden(result: { out: string; err: string }): void {
  expect(result.out).not.toMatch(RAW_HIDDEN);
  expect(result.err).not.toMatch(RAW_HIDDEN);
}

describe('the admin CLI given hostile text', () => {
  it('when a CSV holds escape sequences, a bidi override or a line break inside a quoted name, then each is refused by line and field, escaped, and nothing is stored', async () => {
    const env = envFor('csv');
    const pemLines = f.pem.split('\n').length;
    const row = (n: number, name: string, email = `h${n}@nhs.net`) =>
      [id(n), csvField(name), email, csvField(f.pem), f.spkiDer64, `1000000${n}`].join(',');
    const csv = file(
      'cards.csv',
      [
        HEADER,
        row(1, `${ESCAPES}Holder 1`),
        row(2, `Holder ${RLO}2`),
        row(3, 'Holder\r\nThree'),
        row(4, 'Holder 4', `h4${RLO}@nhs.net`),
        row(5, 'Holder 5'),
      ].join('\n'),
    );
    const line = (n: number) => 2 + (n - 1) * pemLines;
    const result = await admin(env, 'import', csv);
    expect(result.status).toBe(3);
    expect(result.err).toContain('cards.csv: 4 problems');
    expect(result.err).toContain(`line ${line(1)}: holderName: contains the character \\x1b;`);
    expect(result.err).toContain(`line ${line(2)}: holderName: contains the character \\u202e;`);
    // The CR/LF is reported as its LF; the lines after it count it once, as an editor does.
    expect(result.err).toContain(`line ${line(3)}: holderName: contains the character \\x0a;`);
    // Row 3's name spans two lines, so every row after it starts one line later.
    expect(result.err).toContain(`line ${line(4) + 1}: email: contains the character \\u202e;`);
    expectNoRawHidden(result);
    expect((await admin(env, 'show', id(5))).status).toBe(1);
  });

  it('when the file name given holds escape sequences, then it is refused by name, escaped, before the file is read', async () => {
    const env = envFor('csv-name');
    const csv = file(`cards${ESCAPES}.csv`, 'not read');
    const result = await admin(env, 'import', csv);
    expect(result.status).toBe(2);
    expect(result.err).toMatch(/^FILE: contains the character \\x1b;/);
    expectNoRawHidden(result);
  });

  it('when a JSON file holds a hostile field name and value, then both are echoed escaped', async () => {
    const env = envFor('json');
    const json = file(
      'cards.json',
      JSON.stringify([
        {
          cardId: id(1),
          holderName: `Holder\u2028${RLO}1\u0085`,
          email: 'h1@nhs.net',
          pivAuthentication: f.certDer64,
          cardAuthentication: f.spkiDer64,
          puk: '10000001',
          [`${ESCAPES}x`]: 1,
        },
      ]),
    );
    const result = await admin(env, 'import', json);
    expect(result.status).toBe(3);
    expect(result.err).toContain('line 1: holderName: contains the character \\u2028;');
    expect(result.err).toContain(
      'line 1: \\x1b[2J\\x1b]0;owned\\x07\\x1b[31mx: is not a known field.',
    );
    expectNoRawHidden(result);
  });

  it('when enrol is given a name or address with control or bidi characters, then it refuses before reading the card', async () => {
    const env = envFor('enrol');
    const name = await admin(env, 'enrol', '--name', `Mr\tJohn${ESCAPES}`, '--email', 'a@nhs.net');
    expect(name).toMatchObject({ status: 2, out: '' });
    expect(name.err).toMatch(/^--name: contains the character \\x09;/);
    expectNoRawHidden(name);
    const email = await admin(env, 'enrol', '--name', 'Mr John', '--email', `${RLO}a@nhs.net`);
    expect(email.status).toBe(2);
    expect(email.err).toMatch(/^--email: contains the character \\u202e;/);
    expectNoRawHidden(email);
  });

  it('when the database already holds hostile text, then show and audit print it escaped, and --json still parses to the stored value', async () => {
    const env = envFor('stored');
    const settings = loadConfig({ env, cwd: dir, purpose: 'admin' });
    if (!settings.ok) throw settings.error;
    // Imported clean, then changed in the database as an older version's import could have left
    // it: every way in refuses such a name now.
    const holderName = `${ESCAPES}Mallory${RLO}\u0085\x7f`;
    const services = await createServices(settings.value.core);
    const der = new Uint8Array(Buffer.from(f.certDer64, 'base64'));
    const imported = await services.admin.importCards(
      [
        {
          cardId: id(7),
          holderName: 'Mallory',
          email: 'mallory@nhs.net',
          pivAuthentication: der,
          cardAuthentication: der,
          puk: '10000007',
        },
      ],
      'setup',
    );
    expect(imported.ok).toBe(true);
    await services.database.db
      .updateTable('cards')
      .set({ holder_name: holderName })
      .where('card_id', '=', id(7))
      .execute();
    await services.close();

    const shown = await admin(env, 'show', id(7));
    expect(shown.status).toBe(0);
    expect(shown.out).toContain(
      'Holder                \\x1b[2J\\x1b]0;owned\\x07\\x1b[31mMallory\\u202e\\x85\\x7f',
    );
    expectNoRawHidden(shown);
    const json = await admin(env, 'show', id(7), '--json');
    expectNoRawHidden(json);
    expect((JSON.parse(json.out) as { holderName: string }).holderName).toBe(holderName);

    // Every way in refuses such an actor now (the CLI and the domain); an older version stored it.
    const actor = `${ESCAPES}it${RLO}desk`;
    const refused = await admin(env, 'clear-lockout', id(7), '--actor', actor);
    expect(refused.status).toBe(2);
    expectNoRawHidden(refused);
    const direct = await createServices(settings.value.core);
    expect(await direct.admin.clearLockout(id(7), actor)).toEqual({
      ok: false,
      error: { code: 'VALIDATION_FAILED', details: { field: 'actor' } },
    });
    expect(must(await direct.admin.auditTrail({ cardId: id(7) })).map((e) => e.action)).toEqual([
      'admin.import',
    ]);
    await appendAudit(direct.database.db, {
      at: new Date().toISOString(),
      cardId: id(7),
      attemptId: null,
      action: 'admin.clear-lockout',
      outcome: 'ok',
      sourceAddress: `admin:${actor}`,
      requestId: null,
    });
    await direct.close();
    const audit = await admin(env, 'audit', '--card', id(7));
    expect(audit.status).toBe(0);
    expect(audit.out).toContain('admin:\\x1b[2J\\x1b]0;owned\\x07\\x1b[31mit\\u202edesk');
    expectNoRawHidden(audit);
    const auditJson = await admin(env, 'audit', '--card', id(7), '--json');
    expectNoRawHidden(auditJson);
    expect(
      (JSON.parse(auditJson.out) as { sourceAddress: string }[]).map((e) => e.sourceAddress),
    ).toContain(`admin:${actor}`);
  });
});
