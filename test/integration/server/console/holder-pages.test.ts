import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleClient, csrfTokenIn } from '../../../support/console-client';
import type { LocalOidcProvider } from '../../../../scripts/local-oidc-provider';
import { startConsoleProvider } from '../../../support/e2e-console';
import { makeTestCard, startRealServer, type RealServer } from '../support/real-server';

/** The desk's holder pages and the RA managers' reports over real HTTP, signed in for real. */

let provider: LocalOidcProvider;
let server: RealServer;
const rigby = makeTestCard('a1'.repeat(16));
const smith = makeTestCard('b2'.repeat(16));

beforeAll(async () => {
  const consoleProvider = await startConsoleProvider();
  provider = consoleProvider.provider;
  server = await startRealServer({
    env: consoleProvider.env,
  });
  const imported = await server.core.admin.importCards(
    [
      {
        card: rigby,
        holderName: 'Mr John Rigby',
        email: 'john.rigby@nhs.net',
        site: 'City Hospital',
      },
      {
        card: smith,
        holderName: 'Ms <b>Ada</b> Smith',
        email: 'ada.smith@nhs.net',
        site: '=cmd|calc',
      },
    ].map(({ card, ...holder }) => ({
      cardId: card.cardId,
      ...holder,
      mobile: null,
      pivAuthentication: card.spki['9A'],
      cardAuthentication: card.spki['9E'],
      puk: '12345678',
    })),
    'tester',
  );
  if (!imported.ok) throw new Error(imported.error.code);
});
afterAll(async () => {
  await server?.close();
  await provider?.close();
});

const at = (path: string) => `${server.operatorUrl}${path}`;

/** A client signed in as a demo account. */
async function signedIn(username: 'desk.operator' | 'ra.manager') {
  const client = new ConsoleClient();
  const home = await client.signIn(server.operatorUrl, username);
  expect(home.status).toBe(200);
  return client;
}

/** Sends a card page's form as a browser on the console's own page would. */
async function post(
  client: ConsoleClient,
  cardId: string,
  action: string,
  form: Record<string, string>,
) {
  const page = await client.request(at(`/console/holders/${cardId}`));
  return client.request(at(`/console/holders/${cardId}/${action}`), {
    form: { _csrf: csrfTokenIn(page.body) ?? '', ...form },
    headers: { origin: server.operatorUrl, 'sec-fetch-site': 'same-origin' },
  });
}

/** The card's newest audit row. */
async function lastRow(cardId: string) {
  const trail = await server.core.admin.auditTrail({ cardId, limit: 1 });
  if (!trail.ok) throw new Error(trail.error.code);
  return trail.value[0];
}

describe('the console’s holder pages', () => {
  it('when a desk operator searches, then matching holders are listed as links, escaped; a short query is an error in the summary', async () => {
    const client = await signedIn('desk.operator');
    const found = await client.request(at('/console/holders?q=NHS.NET'));
    expect(found.status).toBe(200);
    expect(found.body).toContain(`href="/console/holders/${rigby.cardId}">Mr John Rigby</a>`);
    expect(found.body).toContain('Ms &lt;b&gt;Ada&lt;/b&gt; Smith');
    expect(found.body).toContain('2 holders matching “NHS.NET”');
    const none = await client.request(at('/console/holders?q=%3Cscript%3E'));
    expect(none.body).toContain('No holder matches “&lt;script&gt;”');
    const short = await client.request(at('/console/holders?q=x'));
    expect(short.status).toBe(400);
    expect(short.body).toContain('<title>Error: Find a holder');
    expect(short.body).toContain('<a href="#q">Enter at least 2 characters');
    expect(short.body).toContain('id="q-error"');
  });

  it('when a desk operator opens a card, then its facts, actions and trail are there; an unknown or malformed card is a 404', async () => {
    const client = await signedIn('desk.operator');
    const page = await client.request(at(`/console/holders/${rigby.cardId.toUpperCase()}`));
    expect(page.status).toBe(200);
    for (const text of [
      'Mr John Rigby',
      'City Hospital',
      'john.rigby@nhs.net',
      '0 of 3 a day',
      'Available',
      'admin.import',
    ]) {
      expect(page.body).toContain(text);
    }
    for (const action of ['clear-lockout', 'freeze', 'contacts', 'reset-registration']) {
      expect(page.body).toContain(`action="/console/holders/${rigby.cardId}/${action}"`);
    }
    expect((await client.request(at(`/console/holders/${'cc'.repeat(16)}`))).status).toBe(404);
    expect((await client.request(at('/console/holders/not-a-card'))).status).toBe(404);
  });

  it('when the desk freezes, unfreezes, clears a lockout and resets a registration, then each says so and its audit row names the operator and reason', async () => {
    const client = await signedIn('desk.operator');
    const cases = [
      [
        'freeze',
        'Self-service unlock is frozen for this card.',
        'admin.freeze',
        'frozen=now;reason=lost card INC1',
      ],
      [
        'unfreeze',
        'Self-service unlock is unfrozen.',
        'admin.unfreeze',
        'wasFrozen=desk;reason=found it INC1',
      ],
      [
        'clear-lockout',
        'The card was not locked out.',
        'admin.clear-lockout',
        'wasLocked=false;wrongAnswerSubmissions=0;reason=checked INC2',
      ],
      [
        'reset-registration',
        'The registration was reset.',
        'admin.reset-registration',
        'reason=forgot answers INC3',
      ],
    ] as const;
    const reasons = ['lost card INC1', 'found it INC1', 'checked INC2', 'forgot answers INC3'];
    for (const [i, [action, banner, auditAction, detail]] of cases.entries()) {
      const res = await post(client, rigby.cardId, action, { reason: reasons[i]! });
      expect(res.status, action).toBe(200);
      expect(res.body).toContain('nhsuk-notification-banner--success');
      expect(res.body).toContain(banner);
      expect(await lastRow(rigby.cardId)).toMatchObject({
        action: auditAction,
        outcome: 'ok',
        sourceAddress: 'console:desk.operator',
        requestId: expect.any(String),
        detail,
      });
    }
  });

  it('when a form has no reason or a bad email, then the page shows the error summary and the field’s error, and nothing is done', async () => {
    const client = await signedIn('desk.operator');
    const before = await lastRow(smith.cardId);
    const noReason = await post(client, smith.cardId, 'freeze', { reason: '  ' });
    expect(noReason.status).toBe(400);
    expect(noReason.body).toContain(
      '<a href="#freeze-reason">Enter a reason for freezing self-service</a>',
    );
    expect(noReason.body).toContain('id="freeze-reason-error"');
    const badEmail = await post(client, smith.cardId, 'contacts', {
      email: 'nope',
      mobile: '',
      reason: 'typo',
    });
    expect(badEmail.status).toBe(400);
    expect(badEmail.body).toContain(
      'Enter an email address in the correct format, like name@nhs.net',
    );
    expect(badEmail.body).toContain('value="nope"');
    const landline = await post(client, smith.cardId, 'contacts', {
      email: '',
      mobile: '0121 496 0000',
      reason: 'x',
    });
    expect(landline.body).toContain('Mobile number is not a UK mobile number');
    expect(await lastRow(smith.cardId)).toEqual(before);
    const saved = await post(client, smith.cardId, 'contacts', {
      email: 'ada@nhs.net',
      mobile: '07700 900123',
      reason: 'moved INC4',
    });
    expect(saved.status).toBe(200);
    expect(saved.body).toContain('The contact details were saved.');
    expect(saved.body).toContain('+447700900123');
    expect(await lastRow(smith.cardId)).toMatchObject({
      action: 'admin.set-contact',
      detail: 'changed=email,mobile;email=a****a@nhs.net;mobile=07*** ***123;reason=moved INC4',
    });
  });

  it('when a form comes without its CSRF token, then it is refused and the card is not frozen', async () => {
    const client = await signedIn('desk.operator');
    const res = await client.request(at(`/console/holders/${smith.cardId}/freeze`), {
      form: { reason: 'no token' },
      headers: { origin: server.operatorUrl, 'sec-fetch-site': 'same-origin' },
    });
    expect(res.status).toBe(403);
    const card = await server.core.admin.showCard(smith.cardId);
    expect(card.ok && card.value.selfServiceFrozen).toBeNull();
  });
});

describe('the console’s reports', () => {
  it('when an RA manager opens reports, then the last 30 days are shown with a chart and a CSV link; bad dates are errors', async () => {
    const client = await signedIn('ra.manager');
    const page = await client.request(at('/console/reports'));
    expect(page.status).toBe(200);
    expect(page.body).toContain('role="img"');
    expect(page.body).toContain('Self-service unlocks');
    const csvHref = /href="(\/console\/reports\/activity\.csv\?[^"]+)"/.exec(page.body)?.[1] ?? '';
    // Fetched by hand to see the headers and the raw bytes (text() drops the byte-order mark).
    const cookie = [...client.cookies(server.operatorUrl)].map(([k, v]) => `${k}=${v}`).join('; ');
    const csv = await fetch(at(csvHref.replaceAll('&amp;', '&')), { headers: { cookie } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toMatch(
      /^attachment; filename="?smartcard-unlock-activity-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv"?$/,
    );
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(bytes.toString('utf8', 3)).toMatch(/^Date,Site,.*\r\n$/);
    const bad = await client.request(
      at(
        '/console/reports?from-day=31&from-month=2&from-year=2026&to-day=1&to-month=3&to-year=2026',
      ),
    );
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('<a href="#from-day">Start date must be a real date</a>');
    const backwards = await client.request(
      at(
        '/console/reports?from-day=2&from-month=3&from-year=2026&to-day=1&to-month=3&to-year=2026',
      ),
    );
    expect(backwards.body).toContain('Start date must be the same as or before the end date');
  });

  it('when a desk operator asks for reports or their CSV, then they are refused', async () => {
    const client = await signedIn('desk.operator');
    expect((await client.request(at('/console/reports'))).status).toBe(403);
    expect(
      (await client.request(at('/console/reports/activity.csv?from=2026-01-01&to=2026-01-02')))
        .status,
    ).toBe(403);
  });
});
