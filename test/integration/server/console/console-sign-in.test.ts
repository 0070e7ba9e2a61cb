import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleClient, csrfTokenIn } from '../../../support/console-client';
import type { LocalOidcProvider } from '../../../../scripts/local-oidc-provider';
import { startConsoleProvider } from '../../../support/e2e-console';
import { startRealServer, type RealServer } from '../support/real-server';

/** The console over real HTTP on the operator listener, signing in through a real OpenID provider. */

let provider: LocalOidcProvider;
let server: RealServer;
let now = new Date();
const MINUTE = 60_000;

beforeAll(async () => {
  const consoleProvider = await startConsoleProvider();
  provider = consoleProvider.provider;
  server = await startRealServer({
    env: consoleProvider.env,
    consoleClock: () => now,
  });
});
afterAll(async () => {
  await server?.close();
  await provider?.close();
});

/** The console's address on the operator listener. */
const at = (path: string) => `${server.operatorUrl}${path}`;

/** The newest audit rows of the console, newest first. */
async function consoleAudit() {
  const trail = await server.core.admin.auditTrail({});
  if (!trail.ok) throw new Error(trail.error.code);
  return trail.value.filter((e) => e.action.startsWith('console.'));
}

/** A client signed in as a demo account, at the home page. */
async function signedIn(username: string): Promise<{ client: ConsoleClient; home: string }> {
  const client = new ConsoleClient();
  const page = await client.signIn(server.operatorUrl, username);
  expect(page.status).toBe(200);
  return { client, home: page.body };
}

describe('the service desk console: sign-in, roles, sessions and CSRF', () => {
  it('when there is no session, then a page redirects to sign-in, which goes to the provider with PKCE, state and nonce', async () => {
    const client = new ConsoleClient();
    const first = await client.request(at('/console/holders?q=rigby'));
    expect(first.status).toBe(303);
    expect(first.location).toBe(at('/console/sign-in?return=%2Fconsole%2Fholders%3Fq%3Drigby'));
    const start = await client.request(first.location ?? '');
    expect(start.status).toBe(303);
    const auth = new URL(start.location ?? '');
    expect(auth.origin).toBe(provider.issuer);
    expect(auth.searchParams.get('code_challenge_method')).toBe('S256');
    for (const p of ['state', 'nonce', 'code_challenge']) {
      expect(auth.searchParams.get(p)?.length).toBeGreaterThanOrEqual(43);
    }
    expect(auth.searchParams.get('redirect_uri')).toBe(at('/console/callback'));
    const cookie = start.setCookies.find((c) => c.startsWith('scu-console-sign-in='));
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; SameSite=Lax/);
  });

  it('when a desk operator signs in, then the home page names them and their tasks, the cookie is strict, and the audit says who', async () => {
    const client = new ConsoleClient();
    const page = await client.signIn(server.operatorUrl, 'desk.operator');
    expect(page.status).toBe(200);
    expect(page.body).toContain('Sam Patel (Service desk)');
    expect(page.body).toContain('href="/console/holders"');
    expect(page.body).toContain('href="/console/approvals"');
    expect(page.body).not.toContain('href="/console/reports"');
    expect(csrfTokenIn(page.body)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [signIn] = await consoleAudit();
    expect(signIn).toMatchObject({
      action: 'console.sign-in',
      outcome: 'ok',
      sourceAddress: 'console:desk.operator',
      detail: expect.stringContaining('role=desk'),
    });
  });

  it('when the session cookie is set, then it is HttpOnly, Secure, SameSite=Strict on Path=/ and a fresh id each sign-in', async () => {
    const client = new ConsoleClient();
    client.setCookie(server.operatorUrl, 'scu-console', 'planted-by-an-attacker-0123456789');
    const form = await client.follow(at('/console/'));
    const action = /action="([^"]+)"/.exec(form.body)?.[1] ?? '';
    let res = await client.request(new URL(action, form.url).href, {
      form: { username: 'ra.manager' },
    });
    while (!res.url.includes('/console/callback') && res.location !== undefined) {
      res = await client.request(res.location);
    }
    const cookie = res.setCookies.find((c) => c.startsWith('scu-console='));
    expect(cookie).toMatch(
      /^scu-console=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; Secure; SameSite=Strict$/,
    );
    expect(client.cookies(server.operatorUrl).get('scu-console')).not.toBe(
      'planted-by-an-attacker-0123456789',
    );
    expect(res.body).toContain('http-equiv="refresh" content="0;url=/console/"');
  });

  it('when an RA manager signs in, then reports are in their navigation', async () => {
    const { home } = await signedIn('ra.manager');
    expect(home).toContain('Alex Morgan (RA manager)');
    expect(home).toContain('href="/console/reports"');
    expect(home).toContain('href="/console/holders"');
  });

  it('when a desk operator opens reports, then the 403 page says so and the refusal is audited', async () => {
    const { client } = await signedIn('desk.operator');
    const res = await client.request(at('/console/reports'));
    expect(res.status).toBe(403);
    expect(res.body).toContain('You do not have access to this page');
    const [denied] = await consoleAudit();
    expect(denied).toMatchObject({
      action: 'console.access-denied',
      outcome: 'FORBIDDEN',
      sourceAddress: 'console:desk.operator',
      detail: expect.stringContaining('needs=ra'),
    });
  });

  it('when an account with neither role signs in, then it gets no session, a 403 page and an audit row', async () => {
    const client = new ConsoleClient();
    const page = await client.signIn(server.operatorUrl, 'no.role');
    expect(page.status).toBe(403);
    expect(page.body).toContain('You do not have access to this service');
    expect(client.cookies(server.operatorUrl).has('scu-console')).toBe(false);
    const [refused] = await consoleAudit();
    expect(refused).toMatchObject({
      action: 'console.sign-in',
      outcome: 'NO_ROLE',
      sourceAddress: 'console:no.role',
    });
  });

  it('when a form comes without its token, from another origin or another site, then it is refused with 403 and audited', async () => {
    const { client, home } = await signedIn('desk.operator');
    const token = csrfTokenIn(home) ?? '';
    const attempts: {
      form: Record<string, string>;
      headers?: Record<string, string>;
      why: string;
    }[] = [
      { form: {}, why: 'token' },
      { form: { _csrf: `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}` }, why: 'token' },
      { form: { _csrf: token }, headers: { origin: 'https://evil.example' }, why: 'origin' },
      {
        form: { _csrf: token },
        headers: { 'sec-fetch-site': 'cross-site' },
        why: 'sec-fetch-site',
      },
    ];
    for (const attempt of attempts) {
      const res = await client.request(at('/console/sign-out'), attempt);
      expect(res.status).toBe(403);
      expect(res.body).toContain('This form could not be sent');
      const [row] = await consoleAudit();
      expect(row).toMatchObject({ action: 'console.csrf-refused', outcome: 'CSRF_REFUSED' });
      expect(row?.detail).toContain(attempt.why);
    }
    // Still signed in: nothing was changed.
    expect((await client.request(at('/console/'))).status).toBe(200);
  });

  it('when the operator signs out, then the session ends on the server and its cookie is worth nothing', async () => {
    const { client, home } = await signedIn('desk.operator');
    const id = client.cookies(server.operatorUrl).get('scu-console') ?? '';
    const out = await client.request(at('/console/sign-out'), {
      form: { _csrf: csrfTokenIn(home) ?? '' },
      headers: { origin: server.operatorUrl, 'sec-fetch-site': 'same-origin' },
    });
    expect(out.status).toBe(303);
    expect(out.location).toBe(at('/console/signed-out'));
    expect((await client.request(out.location ?? '')).body).toContain('You have been signed out');
    const replay = new ConsoleClient();
    replay.setCookie(server.operatorUrl, 'scu-console', id);
    expect((await replay.request(at('/console/'))).status).toBe(303);
    expect((await consoleAudit())[0]).toMatchObject({
      action: 'console.sign-out',
      sourceAddress: 'console:desk.operator',
    });
  });

  it('when the operator is idle past the timeout, then the next request says they were signed out, and is audited', async () => {
    const { client } = await signedIn('desk.operator');
    now = new Date(now.getTime() + 14 * MINUTE);
    expect((await client.request(at('/console/'))).status).toBe(200);
    now = new Date(now.getTime() + 16 * MINUTE);
    const res = await client.request(at('/console/'));
    expect(res.status).toBe(401);
    expect(res.body).toContain('You have been signed out');
    expect(res.body).toContain('had not used the console for 15 minutes');
    expect((await consoleAudit())[0]).toMatchObject({
      action: 'console.session-end',
      outcome: 'SESSION_EXPIRED',
      detail: expect.stringContaining('why=idle'),
    });
  });

  it('when a busy session reaches its lifetime, then it ends however recently it was used', async () => {
    const { client } = await signedIn('ra.manager');
    for (let minutes = 0; minutes < 8 * 60 - 10; minutes += 10) {
      now = new Date(now.getTime() + 10 * MINUTE);
      expect((await client.request(at('/console/'))).status).toBe(200);
    }
    now = new Date(now.getTime() + 10 * MINUTE);
    const res = await client.request(at('/console/'));
    expect(res.status).toBe(401);
    expect(res.body).toContain('signed in for 8 hours');
  });

  it("when the provider's return is replayed, then the second is refused as a sign-in that failed", async () => {
    const client = new ConsoleClient();
    const form = await client.follow(at('/console/'));
    const action = /action="([^"]+)"/.exec(form.body)?.[1] ?? '';
    let res = await client.request(new URL(action, form.url).href, {
      form: { username: 'desk.operator' },
    });
    while (!res.url.includes('/console/callback') && res.location !== undefined) {
      res = await client.request(res.location);
    }
    expect(res.status).toBe(200);
    const again = await client.request(res.url);
    expect(again.status).toBe(400);
    expect(again.body).toContain('Sign-in failed');
  });

  it('when sign-ins have happened, then neither the client secret nor any session id is in the server log', async () => {
    const { client } = await signedIn('desk.operator');
    const id = client.cookies(server.operatorUrl).get('scu-console') ?? 'missing';
    const log = server.logs.join('\n');
    expect(log).toContain('/console/');
    expect(log).not.toContain(provider.clientSecret);
    expect(log).not.toContain(id);
  });
});
