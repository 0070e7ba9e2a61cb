import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvField, importFixtures } from '../../../unit/server/cli/import-fixtures';
import { runAdminInProcess } from '../../../support/admin-cli';

const HEADER = 'cardId,holderName,email,pivAuthentication,cardAuthentication,puk';
const key = (n: number) => Buffer.alloc(32, n).toString('base64');

let dir: string;
let f: ReturnType<typeof importFixtures>;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'scu-admin-int-'));
  f = importFixtures();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Settings for one test's own database: production-style keys (old and new) from the environment. */
function envFor(name: string, activeKeyId = 'old'): Record<string, string> {
  return {
    DATA_DIR: join(dir, name),
    SCU_KEY_ENCRYPTION_KEYS: `old=${key(1)},new=${key(2)}`,
    SCU_ACTIVE_KEY_ID: activeKeyId,
    SCU_ANSWER_PEPPER: key(3),
  };
}

/** Runs the CLI in-process on the real services, in the test's folder. */
const admin = (env: Record<string, string>, ...argv: string[]) =>
  runAdminInProcess(dir, env, ...argv);

const id = (n: number) => n.toString(16).padStart(2, '0').repeat(16);
const row = (n: number, email = `holder${n}@nhs.net`) =>
  [id(n), `Holder ${n}`, email, csvField(f.pem), f.spkiDer64, `1000000${n}`].join(',');

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('the admin CLI on a real SQLite database', () => {
  it('when the database cannot be opened as set, then it names the setting and exits 78, not 70 with a stack trace', async () => {
    // The database file's place is taken by a folder: SQLite cannot open it.
    mkdirSync(join(dir, 'blocked', 'smartcard-unlock.sqlite'), { recursive: true });
    const res = await admin(envFor('blocked'), 'audit');
    expect(res.status).toBe(78);
    expect(res.err).toContain('storage.file');
    expect(res.err).toContain('DATA_DIR');
    expect(res.err).not.toMatch(/\n\s+at /);
  });

  it('when a CSV is good, then its cards are stored and shown; importing it again updates them', async () => {
    const env = envFor('good');
    const csv = file('good.csv', [HEADER, row(1), row(2)].join('\n'));
    expect(await admin(env, 'import', csv)).toMatchObject({
      status: 0,
      out: 'Imported 2 new cards and updated 0.',
    });
    const shown = await admin(env, 'show', id(2));
    expect(shown.status).toBe(0);
    expect(shown.out).toContain('Holder                Holder 2');
    expect(shown.out).toContain('Registered            no');
    expect(await admin(env, 'import', csv)).toMatchObject({
      status: 0,
      out: 'Imported 0 new cards and updated 2.',
    });
  });

  it('when a CSV has a bad row after good ones, then it names the line and not one card is stored', async () => {
    const env = envFor('bad');
    const pemLines = f.pem.split('\n').length;
    const csv = file('bad.csv', [HEADER, row(1), row(2), row(3, 'not an address')].join('\n'));
    const result = await admin(env, 'import', csv);
    expect(result.status).toBe(3);
    expect(result.err).toContain(`line ${2 + 2 * pemLines}: email`);
    const shown = await admin(env, 'show', id(1));
    expect(shown.status).toBe(1);
    expect(shown.out).toBe('');
  });

  it('when a JSON file is good, then its cards are stored; a bad element names its line and stores nothing', async () => {
    const env = envFor('json');
    const card = (n: number, email = `h${n}@nhs.net`) => ({
      cardId: id(n),
      holderName: `Holder ${n}`,
      email,
      pivAuthentication: f.certDer64,
      cardAuthentication: f.pem,
      puk: '12345678',
    });
    const bad = file('bad.json', JSON.stringify([card(5), card(6, 'nope')], null, 2));
    const refused = await admin(env, 'import', bad);
    expect(refused.status).toBe(3);
    expect(refused.err).toMatch(/line \d+: email/);
    expect((await admin(env, 'show', id(5))).status).toBe(1);
    const good = file('good.json', JSON.stringify([card(5), card(6)], null, 2));
    expect((await admin(env, 'import', good)).status).toBe(0);
    expect((await admin(env, 'show', id(6))).status).toBe(0);
  });

  it('when IT resets a registration, clears a lockout and reads the audit trail, then each is recorded with the actor', async () => {
    const env = envFor('support');
    await admin(
      env,
      'import',
      file('support.csv', [HEADER, row(7)].join('\n')),
      '--actor',
      'carol',
    );
    expect((await admin(env, 'reset-registration', id(7), '--actor', 'carol')).status).toBe(0);
    expect((await admin(env, 'clear-lockout', id(7), '--actor', 'carol')).status).toBe(0);
    expect((await admin(env, 'clear-lockout', id(8))).status).toBe(1);
    const audit = await admin(env, 'audit', '--card', id(7), '--json');
    expect(audit.status).toBe(0);
    const entries = JSON.parse(audit.out) as { action: string; sourceAddress: string }[];
    // The newest first, as the help and docs/operations.md say; the import names the card too.
    expect(entries.map((e) => [e.action, e.sourceAddress])).toEqual([
      ['admin.clear-lockout', 'admin:carol'],
      ['admin.reset-registration', 'admin:carol'],
      ['admin.import', 'admin:carol'],
    ]);
    expect(audit.out).not.toContain('10000007');
  });

  it('when cards are imported, then each card has its own audit row, new or updated, under `audit --card`', async () => {
    const env = envFor('import-audit');
    const csv = file('import-audit.csv', [HEADER, row(1), row(2)].join('\n'));
    expect((await admin(env, 'import', csv, '--actor', 'dave')).status).toBe(0);
    expect((await admin(env, 'import', csv, '--actor', 'erin')).status).toBe(0);
    const audit = await admin(env, 'audit', '--card', id(2), '--json');
    const entries = JSON.parse(audit.out) as {
      cardId: string;
      action: string;
      sourceAddress: string;
      detail: string;
    }[];
    expect(entries.map((e) => [e.cardId, e.action, e.sourceAddress, e.detail])).toEqual([
      [id(2), 'admin.import', 'admin:erin', 'card=updated'],
      [id(2), 'admin.import', 'admin:dave', 'card=new'],
    ]);
    const text = await admin(env, 'audit', '--card', id(1));
    expect(text.out.split('\n')).toHaveLength(3);
    expect(text.out).toMatch(
      new RegExp(`admin\\.import\\s+ok\\s+${id(1)}\\s.*admin:dave\\s.*card=new`),
    );
  });

  it('when clear-lockout is run on a card that is not locked out, or on an unknown card, then it says which, and the trail records it', async () => {
    const env = envFor('clear');
    await admin(env, 'import', file('clear.csv', [HEADER, row(3)].join('\n')));
    const clear = await admin(env, 'clear-lockout', id(3), '--actor', 'frank');
    expect(clear).toMatchObject({
      status: 0,
      out: `Card ${id(3)} was not locked out of self-service; nothing to clear.`,
    });
    const unknown = await admin(env, 'clear-lockout', id(9), '--actor', 'frank');
    expect(unknown.status).toBe(1);
    expect(unknown.err).toContain(`No card with ID ${id(9)} is on this server.`);
    const trail = JSON.parse((await admin(env, 'audit', '--json')).out) as {
      cardId: string;
      action: string;
      outcome: string;
      detail: string | null;
    }[];
    expect(trail.slice(0, 2).map((e) => [e.cardId, e.action, e.outcome, e.detail])).toEqual([
      [id(9), 'admin.clear-lockout', 'NOT_FOUND', null],
      [id(3), 'admin.clear-lockout', 'ok', 'wasLocked=false;wrongAnswerSubmissions=0'],
    ]);
  });

  it('when the tool runs under sudo without --actor, then the trail names SUDO_USER, not root', async () => {
    const env = envFor('sudo');
    await admin(env, 'import', file('sudo.csv', [HEADER, row(4)].join('\n')));
    const sudo = { ...env, SUDO_USER: 'grace' };
    expect((await admin(sudo, 'reset-registration', id(4))).status).toBe(0);
    const [latest] = JSON.parse((await admin(env, 'audit', '--limit', '1', '--json')).out) as {
      action: string;
      sourceAddress: string;
    }[];
    expect(latest).toMatchObject({
      action: 'admin.reset-registration',
      sourceAddress: 'admin:grace',
    });
  });

  it('when --actor holds a line break and ANSI escapes, then it exits 2 and the trail gains no row', async () => {
    const env = envFor('forged');
    await admin(env, 'import', file('forged.csv', [HEADER, row(5)].join('\n')));
    const before = await admin(env, 'audit', '--json');
    const forged = `mallory\n2026-11-28T10:00:00.000Z  admin.clear-lockout  ok  ${id(5)}  \x1b[32m`;
    const r = await admin(env, 'clear-lockout', id(5), '--actor', forged);
    expect(r.status).toBe(2);
    expect(r.err).toMatch(/^--actor: contains the character \\x0a;/);
    expect((await admin(env, 'audit', '--json')).out).toBe(before.out);
  });

  it('when the key-encryption key is rotated, then every PUK is re-encrypted and the server still works with the new key alone', async () => {
    const env = envFor('rotate');
    await admin(env, 'import', file('rotate.csv', [HEADER, row(1), row(2), row(3)].join('\n')));
    const rotated = await admin(env, 'rotate-key', 'new');
    expect(rotated).toMatchObject({ status: 0 });
    expect(rotated.out).toContain('Re-encrypted 3 PUKs under key "new"');
    const newOnly = { ...envFor('rotate', 'new'), SCU_KEY_ENCRYPTION_KEYS: `new=${key(2)}` };
    expect((await admin(newOnly, 'show', id(3))).status).toBe(0);
  });
});
