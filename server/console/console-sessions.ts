import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { randomToken } from '../security/secrets';
import type { Operator } from './console-page';

/**
 * Console sessions as OWASP ASVS 3 asks: a fresh 256-bit id at each sign-in (no fixation), only
 * its SHA-256 stored, idle and absolute ends enforced here on every request, and a CSRF token
 * derived from the id, so the database holds neither.
 */

/** A session as stored: its id's hash, never the id. */
interface SessionRow {
  readonly idHash: string;
  readonly operator: Operator;
  readonly createdAt: string;
  readonly idleExpiresAt: string;
  readonly expiresAt: string;
}

/** A sign-in on its way through the provider: what its return must match. */
interface SignInRow {
  readonly idHash: string;
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  readonly returnTo: string;
  readonly expiresAt: string;
}

/** Where sessions and sign-ins live (server/storage/console-session-repository.ts). */
export interface ConsoleSessionStore {
  insert(row: SessionRow): Promise<void>;
  find(idHash: string): Promise<SessionRow | undefined>;
  touch(idHash: string, idleExpiresAt: string): Promise<void>;
  remove(idHash: string): Promise<void>;
  insertSignIn(row: SignInRow): Promise<void>;
  /** Reads and deletes in one statement: a sign-in's return is accepted once. */
  takeSignIn(idHash: string): Promise<SignInRow | undefined>;
}

/** What a request's session cookie leads to. */
type SessionLookup =
  | { readonly kind: 'live'; readonly operator: Operator; readonly csrfToken: string }
  /** Ended by its idle or absolute limit (and now deleted); the operator for the audit row. */
  | { readonly kind: 'expired'; readonly operator: Operator; readonly why: 'idle' | 'lifetime' }
  | { readonly kind: 'none' };

/** How long sessions and sign-ins last. */
interface SessionLimits {
  readonly idleTimeoutMs: number;
  readonly lifetimeMs: number;
}

/** A sign-in has this long to come back from the provider. */
const SIGN_IN_MS = 10 * 60_000;

/** The idle end moves on at most once a minute, so reading pages is not a write each time. */
const TOUCH_GRANULARITY_MS = 60_000;

/** The stored key of a cookie's id. */
const hashOf = (id: string): string => createHash('sha256').update(id).digest('base64url');

/** The session's synchronizer token: an HMAC of a fixed label under the session id. */
function csrfTokenOf(sessionId: string): string {
  return createHmac('sha256', sessionId)
    .update('smartcard-unlock/console/csrf/v1')
    .digest('base64url');
}

/** Whether a form's token is the session's, compared in constant time. */
export function csrfTokenMatches(expected: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Sessions and sign-ins over a store, on an injected clock (tests move time without sleeping). */
export class ConsoleSessions {
  constructor(
    private readonly store: ConsoleSessionStore,
    private readonly limits: SessionLimits,
    private readonly now: () => Date,
  ) {}

  /** A new session for a signed-in operator: the id for the cookie and the form token. */
  async create(operator: Operator): Promise<{ readonly id: string; readonly csrfToken: string }> {
    const id = randomToken(32);
    const now = this.now().getTime();
    const expiresAt = now + this.limits.lifetimeMs;
    await this.store.insert({
      idHash: hashOf(id),
      operator,
      createdAt: new Date(now).toISOString(),
      idleExpiresAt: new Date(Math.min(now + this.limits.idleTimeoutMs, expiresAt)).toISOString(),
      expiresAt: new Date(expiresAt).toISOString(),
    });
    return { id, csrfToken: csrfTokenOf(id) };
  }

  /** The session a cookie names, if it is live; its idle end moves on with each request. */
  async load(id: string | undefined): Promise<SessionLookup> {
    if (id === undefined || id === '' || id.length > 100) return { kind: 'none' };
    const idHash = hashOf(id);
    const row = await this.store.find(idHash);
    if (row === undefined) return { kind: 'none' };
    const now = this.now();
    const at = now.toISOString();
    if (row.expiresAt <= at || row.idleExpiresAt <= at) {
      await this.store.remove(idHash);
      return {
        kind: 'expired',
        operator: row.operator,
        why: row.expiresAt <= at ? 'lifetime' : 'idle',
      };
    }
    const expiresAt = new Date(row.expiresAt).getTime();
    const next = Math.min(now.getTime() + this.limits.idleTimeoutMs, expiresAt);
    if (next - new Date(row.idleExpiresAt).getTime() >= TOUCH_GRANULARITY_MS) {
      await this.store.touch(idHash, new Date(next).toISOString());
    }
    return { kind: 'live', operator: row.operator, csrfToken: csrfTokenOf(id) };
  }

  /** Ends a session (sign-out): its row goes, so the cookie is worth nothing anywhere. */
  async end(id: string): Promise<void> {
    await this.store.remove(hashOf(id));
  }

  /** Records a sign-in about to go to the provider; returns the id for its cookie. */
  async beginSignIn(
    checks: Pick<SignInRow, 'state' | 'nonce' | 'codeVerifier' | 'returnTo'>,
  ): Promise<string> {
    const id = randomToken(32);
    const expiresAt = new Date(this.now().getTime() + SIGN_IN_MS).toISOString();
    await this.store.insertSignIn({ idHash: hashOf(id), ...checks, expiresAt });
    return id;
  }

  /** The sign-in a returning browser's cookie names, once, if it has not expired. */
  async takeSignIn(id: string | undefined): Promise<SignInRow | undefined> {
    if (id === undefined || id === '' || id.length > 100) return undefined;
    const row = await this.store.takeSignIn(hashOf(id));
    if (row === undefined || row.expiresAt <= this.now().toISOString()) return undefined;
    return row;
  }
}
