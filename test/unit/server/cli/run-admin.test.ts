import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminIo } from '../../../../server/cli/admin-command';
import { formatAudit, runAdmin } from '../../../../server/cli/run-admin';
import type { OpenLocalCard } from '../../../../server/cli/enrol';
import type { AssistedUnlockDesk } from '../../../../server/domain/assisted-unlock-ports';
import type {
  AdminService,
  AuditEntry,
  CardImport,
  CardState,
} from '../../../../server/domain/ports';
import type {
  HolderSupportService,
  ReportService,
} from '../../../../server/domain/desk/desk-ports';
import { openDatabase, type OpenDatabase } from '../../../../server/storage/database';
import type { PivCard } from '../../../../src/main/card/types';
import { err, ok } from '../../../../src/shared/result';
import { csvField, importFixtures } from './import-fixtures';

let dir: string;
let f: ReturnType<typeof importFixtures>;
// The purge works on the database itself: an in-memory SQLite database with the real schema.
let database: OpenDatabase;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scu-admin-'));
  f = importFixtures();
  database = await openDatabase({ kind: 'sqlite', file: ':memory:', busyTimeoutMs: 0 });
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await database.close();
});

const CARD = 'ab'.repeat(16);
// Known cards that are not locked out: one with no wrong answers, one with a wrong answer.
const CLEAN_CARD = 'cd'.repeat(16);
const ONE_WRONG_CARD = 'ef'.repeat(16);
const UNKNOWN_CARD = 'ee'.repeat(16);
// Frozen by its holder's "This wasn't me", with an expired 9E certificate.
const FROZEN_CARD = '12'.repeat(16);
const FROZEN = { at: '2026-11-28T09:30:00.000Z', reason: 'not-me' };
const HEADER = 'cardId,holderName,email,pivAuthentication,cardAuthentication,puk';

/** An AdminService that remembers what it was asked. */
function fakeAdmin() {
  const imports: { cards: readonly CardImport[]; actor: string }[] = [];
  const actions: string[] = [];
  const state: CardState = {
    cardId: CARD,
    holderName: 'Mr John Rigby',
    maskedEmail: 'j****y@nhs.net',
    site: 'City Hospital',
    registered: true,
    emailConfirmed: true,
    selfServiceLocked: true,
    wrongAnswerSubmissions: 3,
    pukReleasesToday: 1,
    pendingPukRotation: false,
    lastUnlockAt: null,
    selfServiceFrozen: null,
    certificates: {
      '9A': { notAfter: '2036-11-28T10:00:00.000Z', expired: false },
      '9E': { notAfter: null, expired: false },
    },
  };
  const frozenState: CardState = {
    ...state,
    cardId: FROZEN_CARD,
    selfServiceLocked: false,
    wrongAnswerSubmissions: 0,
    selfServiceFrozen: FROZEN,
    certificates: {
      ...state.certificates,
      '9E': { notAfter: '2026-11-01T00:00:00.000Z', expired: true },
    },
  };
  const entry: AuditEntry = {
    id: 1,
    at: '2026-11-28T10:00:00.000Z',
    cardId: CARD,
    attemptId: null,
    action: 'unlock.answers',
    outcome: 'ANSWERS_WRONG',
    sourceAddress: '10.0.0.7',
    requestId: 'r-1',
  };
  const wrongAnswers: Record<string, number> = {
    [CARD]: 3,
    [CLEAN_CARD]: 0,
    [ONE_WRONG_CARD]: 1,
    [FROZEN_CARD]: 0,
  };
  const known = (cardId: string) =>
    cardId in wrongAnswers ? ok(undefined) : err({ code: 'NOT_FOUND' as const });
  const admin: AdminService = {
    importCards: (cards, actor) => {
      imports.push({ cards, actor });
      return Promise.resolve(ok({ imported: cards.length, updated: 0 }));
    },
    showCard: (cardId) =>
      Promise.resolve(
        cardId === CARD
          ? ok(state)
          : cardId === FROZEN_CARD
            ? ok(frozenState)
            : err({ code: 'NOT_FOUND' }),
      ),
    resetRegistration: (cardId, actor) => {
      actions.push(`reset ${cardId} ${actor}`);
      return Promise.resolve(known(cardId));
    },
    clearLockout: (cardId, actor) => {
      actions.push(`clear ${cardId} ${actor}`);
      const count = wrongAnswers[cardId];
      return Promise.resolve(
        count === undefined
          ? err({ code: 'NOT_FOUND' as const })
          : ok({
              wasLocked: count >= 3,
              wrongAnswerSubmissions: count,
              frozen: cardId === FROZEN_CARD ? FROZEN : null,
            }),
      );
    },
    auditTrail: (filter) => {
      actions.push(`audit ${JSON.stringify(filter)}`);
      return Promise.resolve(ok([entry]));
    },
    rotateKeyEncryptionKey: (keyId, actor) => {
      actions.push(`rotate ${keyId} ${actor}`);
      // Rotating to "new" leaves nothing behind; back to "old", PUKs remain under two other keys.
      const remaining: Record<string, number> = keyId === 'new' ? {} : { new: 2, older: 1 };
      return Promise.resolve(ok({ rotated: 4, remaining }));
    },
  };
  return { admin, imports, actions };
}

const key = (n: number) => Buffer.alloc(32, n).toString('base64');

/** A service these tests never call: any use fails the test, naming it. */
const unused = <T extends object>(name: string): T =>
  new Proxy({} as T, {
    get: (_target, method) => () => Promise.reject(new Error(`${name}.${String(method)} called`)),
  });

async function run(
  argv: string[],
  options: { openLocalCard?: OpenLocalCard; stdin?: string; env?: Record<string, string> } = {},
) {
  const fake = fakeAdmin();
  const out: string[] = [];
  const errors: string[] = [];
  let opened = 0;
  let closed = 0;
  const io: AdminIo = {
    argv,
    env: {
      DATA_DIR: join(dir, 'data'),
      SCU_KEY_ENCRYPTION_KEYS: `old=${key(1)},new=${key(2)}`,
      SCU_ACTIVE_KEY_ID: 'old',
      SCU_ANSWER_PEPPER: key(3),
      ...options.env,
    },
    cwd: dir,
    out: (t) => out.push(t),
    err: (t) => errors.push(t),
    readLine: () => Promise.resolve(options.stdin ?? ''),
    openCore: () => {
      opened += 1;
      return Promise.resolve({
        admin: fake.admin,
        // The desk's commands run on a real database: test/integration/server/cli/desk-commands.
        holders: unused<HolderSupportService>('holders'),
        reports: unused<ReportService>('reports'),
        assistedUnlock: unused<AssistedUnlockDesk>('assistedUnlock'),
        database,
        close: () => {
          closed += 1;
          return Promise.resolve();
        },
      });
    },
    openLocalCard:
      options.openLocalCard ??
      (() =>
        Promise.resolve(
          err({ code: 'service-down' as const, detail: 'The PC/SC binding is missing.' }),
        )),
  };
  const status = await runAdmin(io);
  return { status, out: out.join('\n'), err: errors.join('\n'), fake, opened, closed };
}

function writeFile(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const goodRow = (n: number, puk = '11112222') =>
  [
    n.toString(16).padStart(2, '0').repeat(16),
    `Holder ${n}`,
    `h${n}@nhs.net`,
    f.certDer64,
    csvField(f.pem),
    puk,
  ].join(',');

describe('the admin CLI', () => {
  it('when a good CSV is imported, then all cards go to the domain in one call with the actor, and the database is closed', async () => {
    const file = writeFile('good.csv', [HEADER, goodRow(1), goodRow(2)].join('\n'));
    const r = await run(['import', file, '--actor', 'alice']);
    expect(r.status).toBe(0);
    expect(r.out).toBe('Imported 2 new cards and updated 0.');
    expect(r.fake.imports).toHaveLength(1);
    expect(r.fake.imports[0]!.cards).toHaveLength(2);
    expect(r.fake.imports[0]!.actor).toBe('alice');
    expect([r.opened, r.closed]).toEqual([1, 1]);
  });

  it('when a CSV has a bad row, then it exits 3 with the line number, never opens the database and never prints a PUK', async () => {
    const file = writeFile(
      'bad.csv',
      [HEADER, goodRow(1, '99998888'), goodRow(2).replace('h2@nhs.net', 'nobody')].join('\n'),
    );
    const pemLines = f.pem.split('\n').length;
    const r = await run(['import', file]);
    expect(r.status).toBe(3);
    expect(r.err).toContain('1 problem; nothing was imported.');
    expect(r.err).toContain(`line ${2 + pemLines}: email: is not an email address.`);
    expect(r.err).not.toContain('99998888');
    expect(r.opened).toBe(0);
    expect(r.fake.imports).toHaveLength(0);
  });

  it('when --dry-run is given, then the file is checked and nothing is imported', async () => {
    const file = writeFile(
      'dry.json',
      JSON.stringify([
        {
          cardId: 'cd'.repeat(16),
          holderName: 'A',
          email: 'a@nhs.net',
          pivAuthentication: f.pem,
          cardAuthentication: f.spkiDer64,
          puk: '12345678',
        },
      ]),
    );
    const r = await run(['import', file, '--dry-run']);
    expect(r.status).toBe(0);
    expect(r.out).toContain('1 cards are valid (dry run');
    expect(r.opened).toBe(0);
  });

  it('when the format cannot be told from the name, then it asks for --format', async () => {
    const file = writeFile('cards.txt', HEADER);
    const r = await run(['import', file]);
    expect(r.status).toBe(2);
    expect(r.err).toContain('--format csv');
  });

  it('when a card is shown, then its state is printed line by line, or as JSON', async () => {
    const text = await run(['show', CARD.toUpperCase()]);
    expect(text.status).toBe(0);
    expect(text.out).toContain('Holder                Mr John Rigby');
    expect(text.out).toContain('Self-service locked   yes (wrong answer submissions: 3)');
    expect(text.out).toContain('Last unlock           never');
    const json = await run(['show', CARD, '--json']);
    expect(JSON.parse(json.out)).toMatchObject({ cardId: CARD, selfServiceLocked: true });
  });

  it.each([['show'], ['reset-registration'], ['clear-lockout']])(
    'when %s is given a card the server does not know, then it exits 1 naming the card and where to check its ID',
    async (command) => {
      const r = await run([command, UNKNOWN_CARD.toUpperCase()]);
      expect(r.status).toBe(1);
      expect(r.err).toBe(
        `NOT_FOUND: No card with ID ${UNKNOWN_CARD} is on this server. Check the ID against the caller's diagnostics report (the card ID, 32 hexadecimal digits); a card comes in with \`import\` or \`enrol\`.`,
      );
      expect(r.out).toBe('');
      expect(r.closed).toBe(1);
    },
  );

  it('when a registration is reset or a lockout cleared, then the domain is told who did it', async () => {
    const reset = await run(['reset-registration', CARD, '--actor', 'bob']);
    expect(reset.status).toBe(0);
    expect(reset.fake.actions).toEqual([`reset ${CARD} bob`]);
    const clear = await run(['clear-lockout', CARD, '--actor', 'bob']);
    expect(clear).toMatchObject({
      status: 0,
      out: `The self-service lockout of card ${CARD} was cleared.`,
    });
    expect(clear.fake.actions).toEqual([`clear ${CARD} bob`]);
  });

  it('when clear-lockout is run on a card that is not locked out, then it says so rather than "cleared"', async () => {
    const clean = await run(['clear-lockout', CLEAN_CARD]);
    expect(clean).toMatchObject({
      status: 0,
      out: `Card ${CLEAN_CARD} was not locked out of self-service; nothing to clear.`,
    });
    const oneWrong = await run(['clear-lockout', ONE_WRONG_CARD]);
    expect(oneWrong).toMatchObject({
      status: 0,
      out: `Card ${ONE_WRONG_CARD} was not locked out of self-service; its 1 wrong answer submission was set back to zero.`,
    });
  });

  it('when no --actor is given, then the actor is SUDO_USER, else the login name', async () => {
    const sudo = await run(['reset-registration', CARD], { env: { SUDO_USER: 'alice' } });
    expect(sudo.status).toBe(0);
    expect(sudo.fake.actions).toEqual([`reset ${CARD} alice`]);
    const login = await run(['reset-registration', CARD]);
    expect(login.fake.actions).toEqual([`reset ${CARD} ${userInfo().username}`]);
    const given = await run(['reset-registration', CARD, '--actor', ' carol '], {
      env: { SUDO_USER: 'alice' },
    });
    expect(given.fake.actions).toEqual([`reset ${CARD} carol`]);
  });

  it.each([
    ['a line break', 'bob\n2026-11-28T10:00:00.000Z  admin.import', '\\x0a'],
    ['an ANSI escape', '\x1b[31mbob', '\\x1b'],
    ['a bidi override', 'bob\u202e', '\\u202e'],
  ])(
    'when --actor holds %s, then it exits 2 naming --actor and the character, and nothing is opened or stored',
    async (_what, actor, shownAs) => {
      const r = await run(['clear-lockout', CARD, '--actor', actor]);
      expect(r.status).toBe(2);
      expect(r.err).toBe(
        `--actor: contains the character ${shownAs}; control, line-break, tab and bidi characters are not allowed.`,
      );
      expect(r.opened).toBe(0);
      expect(r.fake.actions).toEqual([]);
    },
  );

  it('when --actor is empty or too long, then it exits 2 and nothing is opened', async () => {
    const empty = await run(['clear-lockout', CARD, '--actor', '  ']);
    expect(empty).toMatchObject({ status: 2, err: '--actor: is empty.', opened: 0 });
    const long = await run(['clear-lockout', CARD, '--actor', 'x'.repeat(101)]);
    expect(long).toMatchObject({
      status: 2,
      err: '--actor: is longer than 100 characters.',
      opened: 0,
    });
  });

  it('when SUDO_USER holds a control character, then it exits 2 naming SUDO_USER and --actor', async () => {
    const r = await run(['clear-lockout', CARD], { env: { SUDO_USER: 'eve\x1b]0;owned\x07' } });
    expect(r.status).toBe(2);
    expect(r.err).toBe(
      'SUDO_USER (the default for --actor): contains the character \\x1b; control, line-break, tab and bidi characters are not allowed. Name yourself with --actor NAME.',
    );
    expect(r.opened).toBe(0);
    const named = await run(['clear-lockout', CARD, '--actor', 'eve'], {
      env: { SUDO_USER: 'eve\x1b]0;owned\x07' },
    });
    expect(named.status).toBe(0);
  });

  it.each([
    ['FILE: contains the character \\x1b;', ['import', 'cards\x1b[2J.csv']],
    ['CARD_ID: contains the character \\u200b;', ['show', `${CARD}\u200b`]],
    [
      '--reader: contains the character \\x0d;',
      ['enrol', '--name', 'A', '--email', 'a@nhs.net', '--reader', 'r\r'],
    ],
    ['--card: contains the character \\u2066;', ['audit', '--card', `\u2066${CARD}`]],
  ])(
    'when an argument holds a hidden character, then it is refused by name before anything is read: %s',
    async (message, argv) => {
      const r = await run(argv);
      expect(r.status).toBe(2);
      expect(r.err.startsWith(message)).toBe(true);
      expect(r.opened).toBe(0);
    },
  );

  it('when the audit trail is asked for one card, then the filter reaches the domain and columns are printed', async () => {
    const r = await run(['audit', '--card', CARD, '--limit', '5']);
    expect(r.status).toBe(0);
    expect(r.fake.actions).toEqual([`audit {"cardId":"${CARD}","limit":5}`]);
    expect(r.out.split('\n')[0]).toMatch(/^TIME\s+ACTION\s+OUTCOME\s+CARD/);
    expect(r.out).toContain('unlock.answers');
    expect(r.out.split('\n')[0]).toMatch(/REQUEST\s+DETAIL$/);
    const bad = await run(['audit', '--limit', 'lots']);
    expect(bad.status).toBe(2);
  });

  it('when audit entries are formatted, then they keep the order given (the newest first) and show their detail', () => {
    const base = { cardId: CARD, attemptId: null, sourceAddress: 'admin:carol', requestId: null };
    const text = formatAudit([
      {
        ...base,
        id: 2,
        at: '2026-11-28T10:01:00.000Z',
        action: 'admin.clear-lockout',
        outcome: 'ok',
        detail: 'wasLocked=false;wrongAnswerSubmissions=0',
      },
      {
        ...base,
        id: 1,
        at: '2026-11-28T10:00:00.000Z',
        action: 'admin.import',
        outcome: 'ok',
        detail: 'card=new',
      },
    ]).split('\n');
    expect(text).toHaveLength(3);
    expect(text[1]).toMatch(
      /^2026-11-28T10:01:00\.000Z\s+admin\.clear-lockout\s.*\sadmin:carol\s+-\s+wasLocked=false;wrongAnswerSubmissions=0$/,
    );
    expect(text[2]).toMatch(/^2026-11-28T10:00:00\.000Z\s+admin\.import\s.*\scard=new$/);
  });

  it('when the key is rotated to a configured key, then PUKs are re-encrypted and the next steps are printed', async () => {
    const r = await run(['rotate-key', 'new']);
    expect(r.status).toBe(0);
    expect(r.out).toContain('Re-encrypted 4 PUKs under key "new". No PUK is under another key');
    expect(r.out).toContain('once SCU_ACTIVE_KEY_ID=new');
  });

  it('when PUKs are still under other keys after a rotation, then it names them and says not to remove those keys', async () => {
    const r = await run(['rotate-key', 'old']);
    expect(r.status).toBe(0);
    expect(r.out).toContain('3 PUKs are still under other keys ("new": 2, "older": 1)');
    expect(r.out).toContain(
      'run rotate-key old again. Do not remove a key while a PUK is under it.',
    );
  });

  it('when the key is rotated to a key that is not configured, then it exits 2 and the domain is not called', async () => {
    const r = await run(['rotate-key', 'newer']);
    expect(r.status).toBe(2);
    expect(r.err).toContain('Add it to SCU_KEY_ENCRYPTION_KEYS');
    expect(r.fake.actions).toEqual([]);
    expect(r.closed).toBe(1);
  });

  it('when a purge is dry-run on an empty database, then it prints zero counts and says nothing was deleted', async () => {
    const r = await run(['purge', '--dry-run']);
    expect(r.status).toBe(0);
    expect(r.out).toBe(
      [
        'Would delete 0 finished attempts (with their nonces and code hashes)',
        'Would delete 0 ended rate-limit windows',
        'Would delete 0 past days of PUK release counts',
        'Would delete 0 ended console sessions and sign-ins',
        'The audit trail is kept: retention.auditDays is not set.',
        '(dry run: nothing was deleted.)',
      ].join('\n'),
    );
    expect(r.closed).toBe(1);
  });

  it('when the settings are wrong, then it exits 78 naming the setting', async () => {
    const r = await run(['show', CARD], { env: { SCU_ANSWER_PEPPER: 'x' } });
    expect(r.status).toBe(78);
    expect(r.err).toContain('keys.answerPepper (environment variable SCU_ANSWER_PEPPER)');
  });

  it('when the command line is wrong, then it exits 2 with the usage', async () => {
    expect((await run(['frobnicate'])).status).toBe(2);
    const unknownOption = await run(['show', CARD, '--colour']);
    expect(unknownOption.status).toBe(2);
    expect(unknownOption.err).toContain('Usage: npm run admin -- show CARD_ID');
    expect((await run(['show'])).status).toBe(2);
    const badId = await run(['show', 'xyz']);
    expect(badId.status).toBe(2);
    expect(badId.err).toContain('32 hexadecimal digits');
  });

  it('when --help is asked, then the overview or the command’s help is printed with exit 0', async () => {
    const overview = await run(['--help']);
    expect(overview.status).toBe(0);
    for (const c of [
      'import',
      'enrol',
      'show',
      'reset-registration',
      'clear-lockout',
      'audit',
      'rotate-key',
    ]) {
      expect(overview.out).toContain(`  ${c}`);
    }
    expect(overview.out).toContain('Exit status');
    const importHelp = await run(['import', '--help']);
    expect(importHelp.out).toContain('--dry-run');
  });

  it('when the card service cannot be used, then enrol exits 4 with the reason and what to do', async () => {
    const r = await run(['enrol', '--name', 'Mr John Rigby', '--email', 'john.rigby@nhs.net']);
    expect(r.status).toBe(4);
    expect(r.err).toContain('CARD_SERVICE_DOWN: The PC/SC binding is missing.');
    expect(r.opened).toBe(0);
  });

  it('when enrol reads a card, then its GUID and certificates are imported with the PUK from standard input', async () => {
    const der = new Uint8Array(Buffer.from(f.certDer64, 'base64'));
    const card: PivCard = {
      select: () => Promise.resolve(ok(undefined)),
      readCardId: () => Promise.resolve(ok(CARD)),
      readCertificate: () => Promise.resolve(ok(der)),
      passcodeStatus: () => Promise.reject(new Error('not used')),
      verifyPasscode: () => Promise.reject(new Error('not used')),
      changePasscode: () => Promise.reject(new Error('not used')),
      changePuk: () => Promise.reject(new Error('not used')),
      resetRetryCounter: () => Promise.reject(new Error('not used')),
      sign: () => Promise.reject(new Error('not used')),
    };
    let closed = false;
    const r = await run(['enrol', '--name', 'Mr John Rigby', '--email', 'john.rigby@nhs.net'], {
      stdin: '24681357\n',
      openLocalCard: () =>
        Promise.resolve(
          ok({
            card,
            reader: 'Virtual PCD 00 00',
            close: () => Promise.resolve(void (closed = true)),
          }),
        ),
    });
    expect(r.status).toBe(0);
    expect(r.out).toBe(`Enrolled card ${CARD} for Mr John Rigby from Virtual PCD 00 00.`);
    expect(closed).toBe(true);
    expect(r.fake.imports[0]!.cards[0]).toMatchObject({
      cardId: CARD,
      holderName: 'Mr John Rigby',
      puk: '24681357',
    });
  });

  it('when enrol is given --mobile, then the number is imported in E.164 with the card', async () => {
    const der = new Uint8Array(Buffer.from(f.certDer64, 'base64'));
    const card = {
      select: () => Promise.resolve(ok(undefined)),
      readCardId: () => Promise.resolve(ok(CARD)),
      readCertificate: () => Promise.resolve(ok(der)),
    } as unknown as PivCard;
    const r = await run(
      ['enrol', '--name', 'A', '--email', 'a@nhs.net', '--mobile', '07700 900123'],
      {
        stdin: '24681357',
        openLocalCard: () =>
          Promise.resolve(ok({ card, reader: 'r', close: () => Promise.resolve() })),
      },
    );
    expect(r.status).toBe(0);
    expect(r.fake.imports[0]!.cards[0]).toMatchObject({ cardId: CARD, mobile: '+447700900123' });
  });

  it('when enrol is given a --mobile that is not a UK mobile, then it exits 2 saying why and reads no card', async () => {
    let opened = false;
    const r = await run(
      ['enrol', '--name', 'A', '--email', 'a@nhs.net', '--mobile', '0121 496 0000'],
      {
        openLocalCard: () => {
          opened = true;
          return Promise.resolve(err({ code: 'service-down' as const }));
        },
      },
    );
    expect(r.status).toBe(2);
    expect(r.err).toBe(
      '--mobile: is not a UK mobile number: mobile numbers start with 071 to 075, 077 to 079, or 07624.',
    );
    expect(opened).toBe(false);
    expect(r.fake.imports).toHaveLength(0);
  });

  it('when a card is shown, then it says whether it is frozen and when each certificate expires', async () => {
    const plain = await run(['show', CARD]);
    expect(plain.out).toContain('Self-service frozen   no');
    expect(plain.out).toContain('Certificate 9A        expires 2036-11-28T10:00:00.000Z');
    expect(plain.out).toContain(
      'Certificate 9E        no expiry (a public key, not a certificate)',
    );
    const frozen = await run(['show', FROZEN_CARD]);
    expect(frozen.out).toContain(
      'Self-service frozen   yes, since 2026-11-28T09:30:00.000Z (the holder reported an unlock that was not them; see audit --card; clear-lockout lifts it)',
    );
    expect(frozen.out).toContain(
      'Certificate 9E        EXPIRED 2026-11-01T00:00:00.000Z: self-service refuses the card; the holder goes to the RA',
    );
    const json = await run(['show', FROZEN_CARD, '--json']);
    expect(JSON.parse(json.out)).toMatchObject({
      selfServiceFrozen: FROZEN,
      certificates: { '9E': { expired: true } },
    });
  });

  it('when clear-lockout lifts a freeze, then it says so', async () => {
    const r = await run(['clear-lockout', FROZEN_CARD]);
    expect(r).toMatchObject({
      status: 0,
      out: `Card ${FROZEN_CARD} was not locked out of self-service. Self-service had been frozen since 2026-11-28T09:30:00.000Z (the holder reported an unlock that was not them; see audit --card): it is unfrozen.`,
    });
  });

  it('when a card without a mobile is shown, then the mobile line says none', async () => {
    const text = await run(['show', CARD]);
    expect(text.out).toContain('Mobile                none');
  });

  it('when enrol is given a PUK that is not valid, then it exits 2 and imports nothing', async () => {
    const der = new Uint8Array(Buffer.from(f.certDer64, 'base64'));
    const card = {
      select: () => Promise.resolve(ok(undefined)),
      readCardId: () => Promise.resolve(ok(CARD)),
      readCertificate: () => Promise.resolve(ok(der)),
    } as unknown as PivCard;
    const r = await run(['enrol', '--name', 'A', '--email', 'a@nhs.net'], {
      stdin: '1',
      openLocalCard: () =>
        Promise.resolve(ok({ card, reader: 'r', close: () => Promise.resolve() })),
    });
    expect(r.status).toBe(2);
    expect(r.fake.imports).toHaveLength(0);
  });

  it('when the card holds a certificate that is not P-256, then enrol exits 4 naming the slot', async () => {
    const card = {
      select: () => Promise.resolve(ok(undefined)),
      readCardId: () => Promise.resolve(ok(CARD)),
      readCertificate: () => Promise.resolve(ok(new Uint8Array([1, 2, 3]))),
    } as unknown as PivCard;
    const r = await run(['enrol', '--name', 'A', '--email', 'a@nhs.net'], {
      stdin: '12345678',
      openLocalCard: () =>
        Promise.resolve(ok({ card, reader: 'r', close: () => Promise.resolve() })),
    });
    expect(r.status).toBe(4);
    expect(r.err).toContain('slot 9A');
  });

  it('when the card cannot be read, then enrol exits 4 with the card error and closes the card', async () => {
    let closed = false;
    const card = {
      select: () => Promise.resolve(err({ code: 'not-piv' as const, detail: 'SELECT failed' })),
    } as unknown as PivCard;
    const r = await run(['enrol', '--name', 'A', '--email', 'a@nhs.net'], {
      openLocalCard: () =>
        Promise.resolve(
          ok({ card, reader: 'r', close: () => Promise.resolve(void (closed = true)) }),
        ),
    });
    expect(r.status).toBe(4);
    expect(r.err).toContain('CARD_NOT_PIV');
    expect(closed).toBe(true);
  });
});
