import type { Request } from 'express';
import { describe, expect, it } from 'vitest';
import { consoleCookies, readCookie } from '../../../../server/console/console-cookies';

const withCookie = (cookie: string | undefined) => ({ headers: { cookie } }) as unknown as Request;

describe('the console cookies', () => {
  it('when the listener serves https, then both cookies take the __Host- prefix; over plain HTTP they cannot', () => {
    expect(consoleCookies(true)).toEqual({
      session: '__Host-scu-console',
      signIn: '__Host-scu-console-sign-in',
    });
    expect(consoleCookies(false)).toEqual({
      session: 'scu-console',
      signIn: 'scu-console-sign-in',
    });
  });

  it('when a cookie header is read, then only a well-formed value of exactly that name is taken', () => {
    const id = 'A'.repeat(43);
    expect(readCookie(withCookie(`other=1; scu-console=${id}`), 'scu-console')).toBe(id);
    expect(readCookie(withCookie(`scu-console-sign-in=${id}`), 'scu-console')).toBeUndefined();
    expect(readCookie(withCookie('scu-console=bad%20value'), 'scu-console')).toBeUndefined();
    expect(readCookie(withCookie('scu-console="quoted"'), 'scu-console')).toBeUndefined();
    expect(readCookie(withCookie(`scu-console=${'A'.repeat(101)}`), 'scu-console')).toBeUndefined();
    expect(readCookie(withCookie(undefined), 'scu-console')).toBeUndefined();
  });
});
