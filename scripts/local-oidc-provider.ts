import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { interactionPolicy, type Adapter, type AdapterPayload } from 'oidc-provider';
import { escapeHtml } from '../server/console/html';

/**
 * A real OpenID provider on 127.0.0.1 (oidc-provider, in memory) for the console's tests and
 * `npm start`: demo accounts with the console's roles, a sign-in page that asks only for the
 * username, and one confidential client whose loopback redirect may use any port (RFC 8252).
 */

/** The demo accounts: a service desk operator, an RA manager, and someone with neither role. */
export const DEMO_OPERATORS = {
  'desk.operator': { name: 'Sam Patel', roles: ['service-desk'], role: 'service desk' },
  'ra.manager': { name: 'Alex Morgan', roles: ['ra-manager'], role: 'RA manager' },
  'no.role': { name: 'Jo Bloggs', roles: [], role: 'no role' },
} as const;

/** A demo account's username. */
export type DemoUsername = keyof typeof DEMO_OPERATORS;

/** A running provider: its issuer and the console's client. */
export interface LocalOidcProvider {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  close(): Promise<void>;
}

/** oidc-provider's storage, in this process's memory (the provider's own warns on every start). */
function memoryAdapter(): (name: string) => Adapter {
  const rows = new Map<string, { payload: AdapterPayload; expiresAt: number }>();
  const live = (key: string): AdapterPayload | undefined => {
    const row = rows.get(key);
    if (row === undefined || row.expiresAt <= Date.now()) return undefined;
    return row.payload;
  };
  return (name) => ({
    upsert: (id, payload, expiresIn) => {
      rows.set(`${name}:${id}`, { payload, expiresAt: Date.now() + (expiresIn ?? 3600) * 1000 });
      return Promise.resolve();
    },
    find: (id) => Promise.resolve(live(`${name}:${id}`)),
    findByUserCode: () => Promise.resolve(undefined),
    findByUid: (uid) => {
      for (const [key, row] of rows) {
        if (key.startsWith(`${name}:`) && row.payload.uid === uid)
          return Promise.resolve(live(key));
      }
      return Promise.resolve(undefined);
    },
    consume: (id) => {
      const row = rows.get(`${name}:${id}`);
      if (row !== undefined) row.payload.consumed = Math.floor(Date.now() / 1000);
      return Promise.resolve();
    },
    destroy: (id) => {
      rows.delete(`${name}:${id}`);
      return Promise.resolve();
    },
    revokeByGrantId: (grantId) => {
      for (const [key, row] of rows) if (row.payload.grantId === grantId) rows.delete(key);
      return Promise.resolve();
    },
  });
}

/** The sign-in page: a username box, and the demo accounts to type into it. */
function signInPage(uid: string, error?: string): string {
  const accounts = Object.entries(DEMO_OPERATORS)
    .map(([username, a]) => `<li><code>${username}</code>: ${escapeHtml(a.name)}, ${a.role}</li>`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in – demo identity provider</title></head>
<body><main><h1>Sign in to the demo identity provider</h1>
<p>This stands in for your organisation's sign-in (such as Microsoft Entra ID). It has no passwords: type a demo username.</p>
<ul>${accounts}</ul>
<form method="post" action="/interaction/${escapeHtml(uid)}">
${error === undefined ? '' : `<p id="username-error" role="alert">${escapeHtml(error)}</p>`}
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" spellcheck="false">
<button type="submit">Sign in</button>
</form></main></body></html>`;
}

/** The username from the sign-in form's body. */
async function postedUsername(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > 4096) break;
  }
  return new URLSearchParams(body).get('username')?.trim() ?? '';
}

/** The sign-in interaction: GET shows the page, POST checks the username and finishes the login. */
async function interaction(provider: Provider, req: IncomingMessage, res: ServerResponse) {
  const details = await provider.interactionDetails(req, res);
  const page = (status: number, body: string) => {
    res.writeHead(status, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
    });
    res.end(body);
  };
  if (req.method !== 'POST') return page(200, signInPage(details.uid));
  const username = await postedUsername(req);
  if (!Object.hasOwn(DEMO_OPERATORS, username)) {
    return page(400, signInPage(details.uid, `There is no demo account called "${username}".`));
  }
  await provider.interactionFinished(req, res, { login: { accountId: username } });
}

/** Starts the provider on 127.0.0.1 at a free port, for a client whose redirect is /console/callback. */
export async function startLocalOidcProvider(): Promise<LocalOidcProvider> {
  const clientId = 'smartcard-unlock-console';
  const clientSecret = randomBytes(32).toString('base64url');
  // The server listens first, for its port: the issuer names it.
  const started: { provider?: Provider } = {};
  const server = createServer((req, res) => {
    const { provider } = started;
    if (provider === undefined) {
      res.writeHead(503).end();
      return;
    }
    if (req.url?.startsWith('/interaction/') === true) {
      interaction(provider, req, res).catch(() => {
        if (!res.headersSent) res.writeHead(400, { 'content-type': 'text/plain' });
        res.end('This sign-in has expired. Go back to the console and sign in again.');
      });
      return;
    }
    void provider.callback()(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const policy = interactionPolicy.base();
  // Ask who it is at every sign-in, so one browser can sign in as each demo account in turn.
  policy
    .get('login')
    ?.checks.add(
      new interactionPolicy.Check('demo_every_time', 'the demo asks at every sign-in', (ctx) =>
        ctx.oidc.result?.login === undefined
          ? interactionPolicy.Check.REQUEST_PROMPT
          : interactionPolicy.Check.NO_NEED_TO_PROMPT,
      ),
    );
  // A first-party client needs no consent screen (the grant is made in loadExistingGrant below).
  policy.get('consent')?.checks.remove('native_client_prompt');
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  started.provider = new Provider(issuer, {
    adapter: memoryAdapter(),
    jwks: {
      keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'demo', alg: 'ES256', use: 'sig' }],
    },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        application_type: 'native',
        redirect_uris: ['http://127.0.0.1/console/callback', 'http://localhost/console/callback'],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
        id_token_signed_response_alg: 'ES256',
      },
    ],
    claims: { openid: ['sub'], profile: ['name', 'preferred_username', 'roles'] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, i) => `/interaction/${i.uid}`, policy },
    pkce: { required: () => true },
    ttl: {
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
      AuthorizationCode: 60,
      AccessToken: 600,
      IdToken: 600,
    },
    // A first-party client: no consent screen; the console gets the scopes and claims it asks for.
    loadExistingGrant: async (ctx) => {
      const { Grant } = ctx.oidc.provider;
      const accountId = ctx.oidc.session?.accountId;
      if (accountId === undefined || ctx.oidc.client === undefined) return undefined;
      const grant = new Grant({ clientId: ctx.oidc.client.clientId, accountId });
      grant.addOIDCScope('openid profile');
      await grant.save();
      return grant;
    },
    findAccount: (_ctx, sub) => {
      if (!Object.hasOwn(DEMO_OPERATORS, sub)) return undefined;
      const a = DEMO_OPERATORS[sub as DemoUsername];
      return {
        accountId: sub,
        claims: () => ({ sub, name: a.name, preferred_username: sub, roles: [...a.roles] }),
      };
    },
  });
  return {
    issuer,
    clientId,
    clientSecret,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
