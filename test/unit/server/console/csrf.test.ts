import { describe, expect, it } from 'vitest';
import { csrfRefusal } from '../../../../server/console/csrf';
import { csrfTokenMatches } from '../../../../server/console/console-sessions';

const ORIGIN = 'https://desk.trust.test';
const TOKEN = 'a'.repeat(43);

/** A request as the check sees it. */
const request = (
  method: string,
  body: unknown,
  headers: Record<string, string> = {},
): Parameters<typeof csrfRefusal>[0] => ({ method, body, headers });

describe('the console CSRF check', () => {
  it('when a GET or HEAD comes, then it is never refused (it changes nothing)', () => {
    expect(
      csrfRefusal(request('GET', undefined, { origin: 'https://evil.test' }), ORIGIN, TOKEN),
    ).toBeUndefined();
    expect(csrfRefusal(request('HEAD', undefined), ORIGIN, TOKEN)).toBeUndefined();
  });

  it('when a POST carries the token from this origin, then it goes on', () => {
    const headers = { origin: ORIGIN, 'sec-fetch-site': 'same-origin' };
    expect(csrfRefusal(request('POST', { _csrf: TOKEN }, headers), ORIGIN, TOKEN)).toBeUndefined();
    // A client that sends neither header is judged by the token alone.
    expect(csrfRefusal(request('POST', { _csrf: TOKEN }), ORIGIN, TOKEN)).toBeUndefined();
  });

  it.each([
    ['no token', request('POST', {}), 'token'],
    ['no body', request('POST', undefined), 'token'],
    ['a token of another type', request('POST', { _csrf: [TOKEN] }), 'token'],
    ['a wrong token', request('POST', { _csrf: `${TOKEN.slice(1)}b` }), 'token'],
    ['a shorter token', request('POST', { _csrf: TOKEN.slice(1) }), 'token'],
    [
      'another origin',
      request('POST', { _csrf: TOKEN }, { origin: 'https://evil.test' }),
      'origin',
    ],
    ['"null" origin', request('POST', { _csrf: TOKEN }, { origin: 'null' }), 'origin'],
    [
      'another site',
      request('DELETE', { _csrf: TOKEN }, { 'sec-fetch-site': 'cross-site' }),
      'sec-fetch-site=cross-site',
    ],
    [
      'the same site, another origin',
      request('PUT', { _csrf: TOKEN }, { 'sec-fetch-site': 'same-site' }),
      'sec-fetch-site=same-site',
    ],
  ])('when a POST has %s, then it is refused', (_case, req, why) => {
    expect(csrfRefusal(req, ORIGIN, TOKEN)).toBe(why);
  });

  it('when tokens are compared, then only the same string of the same length matches', () => {
    expect(csrfTokenMatches(TOKEN, TOKEN)).toBe(true);
    expect(csrfTokenMatches(TOKEN, `${TOKEN}a`)).toBe(false);
    expect(csrfTokenMatches(TOKEN, undefined)).toBe(false);
    expect(csrfTokenMatches(TOKEN, 42)).toBe(false);
  });
});
