import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ConsoleSessions,
  type ConsoleSessionStore,
} from '../../../../server/console/console-sessions';

const MINUTE = 60_000;
const LIMITS = { idleTimeoutMs: 15 * MINUTE, lifetimeMs: 8 * 60 * MINUTE };
const OPERATOR = { id: 'console:desk.operator', name: 'Sam Patel', role: 'desk' } as const;

type Row = Parameters<ConsoleSessionStore['insert']>[0];
type SignIn = Parameters<ConsoleSessionStore['insertSignIn']>[0];

/** The store in memory, counting its writes. */
function memoryStore() {
  const sessions = new Map<string, Row>();
  const signIns = new Map<string, SignIn>();
  let touches = 0;
  const store: ConsoleSessionStore = {
    insert: (row) => Promise.resolve(void sessions.set(row.idHash, row)),
    find: (idHash) => Promise.resolve(sessions.get(idHash)),
    touch: (idHash, idleExpiresAt) => {
      touches += 1;
      const row = sessions.get(idHash);
      if (row !== undefined) sessions.set(idHash, { ...row, idleExpiresAt });
      return Promise.resolve();
    },
    remove: (idHash) => Promise.resolve(void sessions.delete(idHash)),
    insertSignIn: (row) => Promise.resolve(void signIns.set(row.idHash, row)),
    takeSignIn: (idHash) => {
      const row = signIns.get(idHash);
      signIns.delete(idHash);
      return Promise.resolve(row);
    },
  };
  return { store, sessions, touches: () => touches };
}

/** Sessions on a clock the test moves. */
function fixture() {
  let now = new Date('2026-05-01T09:00:00.000Z');
  const memory = memoryStore();
  const sessions = new ConsoleSessions(memory.store, LIMITS, () => now);
  const advance = (ms: number) => {
    now = new Date(now.getTime() + ms);
  };
  return { sessions, memory, advance };
}

describe('console sessions', () => {
  it('when a session is created, then only the SHA-256 of its 256-bit id is stored, and its CSRF token is its own', async () => {
    const { sessions, memory } = fixture();
    const a = await sessions.create(OPERATOR);
    const b = await sessions.create(OPERATOR);
    expect(a.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.id).not.toBe(b.id);
    expect(a.csrfToken).not.toBe(b.csrfToken);
    expect([...memory.sessions.keys()]).toEqual([
      createHash('sha256').update(a.id).digest('base64url'),
      createHash('sha256').update(b.id).digest('base64url'),
    ]);
    expect(JSON.stringify([...memory.sessions.values()])).not.toContain(a.id);
    expect(await sessions.load(a.id)).toEqual({
      kind: 'live',
      operator: OPERATOR,
      csrfToken: a.csrfToken,
    });
  });

  it('when no cookie, an unknown id or an over-long one comes, then there is no session', async () => {
    const { sessions } = fixture();
    for (const id of [undefined, '', 'unknown', 'x'.repeat(101)]) {
      expect(await sessions.load(id)).toEqual({ kind: 'none' });
    }
  });

  it('when the operator is idle for the timeout, then the session has ended and is deleted', async () => {
    const { sessions, memory, advance } = fixture();
    const { id } = await sessions.create(OPERATOR);
    advance(LIMITS.idleTimeoutMs - 1);
    expect((await sessions.load(id)).kind).toBe('live');
    advance(LIMITS.idleTimeoutMs);
    expect(await sessions.load(id)).toEqual({ kind: 'expired', operator: OPERATOR, why: 'idle' });
    expect(memory.sessions.size).toBe(0);
    expect(await sessions.load(id)).toEqual({ kind: 'none' });
  });

  it('when the operator keeps working, then the idle end moves on at most once a minute, but never past the lifetime', async () => {
    const { sessions, memory, advance } = fixture();
    const { id } = await sessions.create(OPERATOR);
    for (let i = 0; i < 10; i += 1) {
      advance(5_000);
      await sessions.load(id);
    }
    expect(memory.touches()).toBe(0);
    advance(15_000);
    await sessions.load(id);
    expect(memory.touches()).toBe(1);
    for (let minutes = 1; minutes < 8 * 60 - 10; minutes += 10) {
      advance(10 * MINUTE);
      expect((await sessions.load(id)).kind).toBe('live');
    }
    const [row] = [...memory.sessions.values()];
    expect(row !== undefined && row.idleExpiresAt <= row.expiresAt).toBe(true);
    advance(10 * MINUTE);
    expect(await sessions.load(id)).toEqual({
      kind: 'expired',
      operator: OPERATOR,
      why: 'lifetime',
    });
  });

  it('when a session is ended, then its id names nothing', async () => {
    const { sessions } = fixture();
    const { id } = await sessions.create(OPERATOR);
    await sessions.end(id);
    expect(await sessions.load(id)).toEqual({ kind: 'none' });
  });

  it('when a sign-in returns, then its checks are given once, and not after ten minutes', async () => {
    const { sessions, advance } = fixture();
    const checks = { state: 's', nonce: 'n', codeVerifier: 'v', returnTo: '/console/holders' };
    const id = await sessions.beginSignIn(checks);
    expect(await sessions.takeSignIn(id)).toMatchObject(checks);
    expect(await sessions.takeSignIn(id)).toBeUndefined();
    const late = await sessions.beginSignIn(checks);
    advance(10 * MINUTE);
    expect(await sessions.takeSignIn(late)).toBeUndefined();
    expect(await sessions.takeSignIn(undefined)).toBeUndefined();
  });
});
