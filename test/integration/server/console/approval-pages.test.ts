import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvalIssuedSchema, startAttemptResponseSchema } from '../../../../src/shared/http-api';
import { ConsoleClient, csrfTokenIn } from '../../../support/console-client';
import type { LocalOidcProvider } from '../../../../scripts/local-oidc-provider';
import { startConsoleProvider } from '../../../support/e2e-console';
import {
  makeTestCard,
  proofFor,
  startRealServer,
  type RealServer,
  type TestCard,
} from '../support/real-server';

/** The desk's approval of an assisted unlock over real HTTP, signed in for real. */

let provider: LocalOidcProvider;
let server: RealServer;
let dir: string;
const rigby = makeTestCard('d4'.repeat(16));
const smith = makeTestCard('e5'.repeat(16));
/** A reference of the right form that no attempt is given (31⁶ of them: none collides here). */
const NOBODY = 'ZZZ-ZZZ';

beforeAll(async () => {
  const consoleProvider = await startConsoleProvider();
  provider = consoleProvider.provider;
  dir = mkdtempSync(join(tmpdir(), 'approval-pages-'));
  const configFile = join(dir, 'server.json');
  // Three misses, so the limit is reached without typing ten.
  writeFileSync(
    configFile,
    JSON.stringify({ security: { assisted: { maxMissesPerOperator: 3 } } }),
  );
  server = await startRealServer({
    configFile,
    env: consoleProvider.env,
  });
  const imported = await server.core.admin.importCards(
    [
      { card: rigby, holderName: 'Mr John Rigby', site: 'City Hospital' },
      { card: smith, holderName: 'Ms <b>Ada</b> Smith', site: null },
    ].map(({ card, ...holder }) => ({
      cardId: card.cardId,
      ...holder,
      email: 'holder@nhs.net',
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
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

const at = (path: string) => `${server.operatorUrl}${path}`;
const sameOrigin = () => ({ origin: server.operatorUrl, 'sec-fetch-site': 'same-origin' });

/** An unregistered card's attempt kept for the desk, as the app leaves it: its reference. */
async function waiting(card: TestCard): Promise<{ attemptId: string; reference: string }> {
  const started = startAttemptResponseSchema.parse(
    (await server.post('/v1/unlock/attempts', { cardId: card.cardId })).body,
  );
  const base = `/v1/unlock/attempts/${started.attemptId}`;
  const proved = await server.post(`${base}/card-proof`, {
    signature: proofFor(card, 'unlock', started.attemptId, started.nonce),
  });
  expect(proved.status).toBe(409);
  const issued = approvalIssuedSchema.parse((await server.post(`${base}/approval`)).body);
  return { attemptId: started.attemptId, reference: issued.reference };
}

/** A client signed in as a demo account. */
async function signedIn(username: 'desk.operator' | 'ra.manager') {
  const client = new ConsoleClient();
  expect((await client.signIn(server.operatorUrl, username)).status).toBe(200);
  return client;
}

/** Sends a form from the approvals page, as the browser would, with the page's CSRF token. */
async function send(client: ConsoleClient, path: string, form: Record<string, string>) {
  const page = await client.request(at('/console/approvals'));
  return client.request(at(path), {
    form: { _csrf: csrfTokenIn(page.body) ?? '', ...form },
    headers: sameOrigin(),
  });
}

/** The card's rows of the desk's approval, newest first. */
async function approvalRows(cardId: string) {
  const trail = await server.core.admin.auditTrail({ cardId });
  if (!trail.ok) throw new Error(trail.error.code);
  return trail.value.filter((e) => e.action === 'unlock.desk-approval');
}

describe('the console’s assisted unlock approval', () => {
  it('when nobody is signed in, then the page asks for sign-in and a form is refused; both roles may open it', async () => {
    const anonymous = new ConsoleClient();
    const page = await anonymous.request(at('/console/approvals'));
    expect([page.status, page.location]).toEqual([
      303,
      at('/console/sign-in?return=%2Fconsole%2Fapprovals'),
    ]);
    const posted = await anonymous.request(at('/console/approvals'), {
      form: { reference: NOBODY },
      headers: sameOrigin(),
    });
    expect(posted.status).toBe(401);
    for (const username of ['desk.operator', 'ra.manager'] as const) {
      const client = await signedIn(username);
      const res = await client.request(at('/console/approvals'));
      expect(res.status, username).toBe(200);
      expect(res.body).toContain('<h1 class="nhsuk-heading-l">Approve an assisted unlock</h1>');
      expect(res.body).toContain('action="/console/approvals" method="post"');
      expect(csrfTokenIn(res.body)).toBeDefined();
      expect(res.body).toContain('10 within 10 minutes');
    }
  });

  it('when the reference is typed in lower case with spaces, then the page names the holder, card, site and times, escaped, and asks for the identity check', async () => {
    const client = await signedIn('desk.operator');
    const { reference } = await waiting(smith);
    const typed = ` ${reference.replace('-', ' ').toLowerCase()} `;
    const res = await send(client, '/console/approvals', { reference: typed });
    expect(res.status).toBe(200);
    for (const text of [
      'Check whose unlock this is',
      `The reference ${reference} names this unlock.`,
      'Ms &lt;b&gt;Ada&lt;/b&gt; Smith',
      smith.cardId,
      'Unlock started',
      'Reference can be approved until',
      'Check the caller’s identity',
      'I have checked the caller’s identity',
      'action="/console/approvals/approve"',
      `name="reference" value="${reference}"`,
    ]) {
      expect(res.body).toContain(text);
    }
    expect(res.body).not.toContain('<b>Ada</b>');
  });

  it('when the reference is empty or not of the reference’s form, then the error summary links to the field, and nothing is looked up', async () => {
    const client = await signedIn('desk.operator');
    const empty = await send(client, '/console/approvals', { reference: '  ' });
    expect(empty.status).toBe(400);
    expect(empty.body).toContain('<title>Error: Approve an assisted unlock');
    expect(empty.body).toContain(
      '<a href="#reference">Enter the reference the caller reads from their screen</a>',
    );
    expect(empty.body).toContain('id="reference-error"');
    const malformed = await send(client, '/console/approvals', { reference: '4KF-92O' });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toContain('Enter the reference as 6 letters and digits, like 4KF-92Q');
    expect(malformed.body).toContain('value="4KF-92O"');
  });

  it('when the desk approves without the identity check or a reason, then both are errors and nothing is approved; with them, it is approved once and audited with the operator', async () => {
    const client = await signedIn('desk.operator');
    const { reference } = await waiting(rigby);
    const missing = await send(client, '/console/approvals/approve', { reference, reason: ' ' });
    expect(missing.status).toBe(400);
    expect(missing.body).toContain('<title>Error: Check whose unlock this is');
    expect(missing.body).toContain(
      '<a href="#identity-checked">Confirm you have checked the caller’s identity',
    );
    expect(missing.body).toContain('<a href="#reason">Enter a reason for approving the unlock</a>');
    expect(missing.body).toContain('City Hospital');
    expect(await approvalRows(rigby.cardId)).toEqual([]);

    const form = { reference, identityChecked: 'yes', reason: 'INC200 called back on directory' };
    const done = await send(client, '/console/approvals/approve', form);
    expect(done.status).toBe(200);
    expect(done.body).toContain('Unlock approved — the holder’s app will move on by itself');
    expect(done.body).toContain(`href="/console/holders/${rigby.cardId}"`);
    expect(await approvalRows(rigby.cardId)).toMatchObject([
      {
        outcome: 'ok',
        sourceAddress: 'console:desk.operator',
        requestId: expect.any(String),
        detail: 'reference=1;reason=INC200 called back on directory',
      },
    ]);

    const again = await send(client, '/console/approvals/approve', form);
    expect(again.status).toBe(409);
    expect(again.body).toContain('<a href="#reference">The reference');
    expect(again.body).toMatch(
      /was approved already, at \d\d:\d\d \(UK time\) by console:desk\.operator/,
    );
    const looked = await send(client, '/console/approvals', { reference });
    expect(looked.body).toContain('A reference is approved once.');
    expect((await approvalRows(rigby.cardId))[0]).toMatchObject({
      outcome: 'REFERENCE_USED',
      sourceAddress: 'console:desk.operator',
    });
  });

  it('when a form comes without its CSRF token, then it is refused, audited, and the unlock stays unapproved', async () => {
    const client = await signedIn('desk.operator');
    const { reference } = await waiting(smith);
    const res = await client.request(at('/console/approvals/approve'), {
      form: { reference, identityChecked: 'yes', reason: 'no token' },
      headers: sameOrigin(),
    });
    expect(res.status).toBe(403);
    expect(res.body).toContain('This form could not be sent');
    const still = await server.core.assistedUnlock.find({
      reference,
      operator: { via: 'admin', name: 'test' },
    });
    expect(still.ok).toBe(true);
    const trail = await server.core.admin.auditTrail({ limit: 5 });
    expect(trail.ok && trail.value.find((e) => e.action === 'console.csrf-refused')).toMatchObject({
      outcome: 'CSRF_REFUSED',
      sourceAddress: 'console:desk.operator',
      detail: expect.stringContaining('path=/console/approvals/approve'),
    });
  });

  it('when a reference names nothing, has expired, or its attempt ended, then the page says why in the domain’s words', async () => {
    const client = await signedIn('desk.operator');
    const unknown = await send(client, '/console/approvals', { reference: NOBODY });
    expect(unknown.status).toBe(409);
    expect(unknown.body).toContain(`No unlock is waiting under the reference ${NOBODY}.`);
    const lookups = await server.core.admin.auditTrail({ limit: 5 });
    expect(
      lookups.ok && lookups.value.find((e) => e.action === 'unlock.desk-lookup'),
    ).toMatchObject({ outcome: 'REFERENCE_UNKNOWN', sourceAddress: 'console:desk.operator' });

    const old = await waiting(smith);
    await server.core.database.db
      .updateTable('attempts')
      .set({ approval_expires_at: new Date(Date.now() - 60_000).toISOString() })
      .where('attempt_id', '=', old.attemptId)
      .execute();
    const expired = await send(client, '/console/approvals', { reference: old.reference });
    expect(expired.body).toContain(`The reference ${old.reference} expired at`);
    expect(expired.body).toContain('Get a new reference');

    const cancelled = await waiting(smith);
    expect((await server.post(`/v1/unlock/attempts/${cancelled.attemptId}#delete`)).status).toBe(
      204,
    );
    const ended = await send(client, '/console/approvals/approve', {
      reference: cancelled.reference,
      identityChecked: 'yes',
      reason: 'INC201',
    });
    expect(ended.status).toBe(409);
    expect(ended.body).toContain('cannot be approved any more (the caller cancelled it)');
  });

  it('when an operator types too many references that name nothing, then the next is refused and the page says why', async () => {
    const client = await signedIn('ra.manager');
    for (let miss = 0; miss < 3; miss++) {
      expect((await send(client, '/console/approvals', { reference: NOBODY })).status).toBe(409);
    }
    const { reference } = await waiting(rigby);
    const refused = await send(client, '/console/approvals', { reference });
    expect(refused.status).toBe(429);
    expect(refused.body).toContain('3 references you typed in the last 10 minutes');
  });
});
