import type { Request, Response } from 'express';

/**
 * The console's two cookies: the session (SameSite=Strict) and a sign-in in progress (SameSite=Lax,
 * so the provider's redirect back brings it). Both HttpOnly, Secure and Path=/, with the `__Host-`
 * prefix on an https listener, which pins them to this host.
 */

/** The cookies' names on this listener. */
export interface ConsoleCookies {
  readonly session: string;
  readonly signIn: string;
}

/** The names for a listener: `__Host-` only where the browser will accept it (https). */
export function consoleCookies(httpsListener: boolean): ConsoleCookies {
  const prefix = httpsListener ? '__Host-' : '';
  return {
    session: `${prefix}scu-console`,
    signIn: `${prefix}scu-console-sign-in`,
  };
}

/** One cookie's value from the request, or undefined; a malformed header names none. */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at !== -1 && part.slice(0, at).trim() === name) {
      const value = part.slice(at + 1).trim();
      return /^[A-Za-z0-9_-]{1,100}$/.test(value) ? value : undefined;
    }
  }
  return undefined;
}

/** Sets a cookie as the console's: HttpOnly, Secure, Path=/, with its SameSite rule. */
export function setCookie(
  res: Response,
  name: string,
  value: string,
  sameSite: 'strict' | 'lax',
  maxAgeMs?: number,
): void {
  // Secure even on plain-HTTP development: browsers keep Secure cookies for 127.0.0.1 and localhost.
  res.cookie(name, value, {
    httpOnly: true,
    secure: true,
    sameSite,
    path: '/',
    ...(maxAgeMs === undefined ? {} : { maxAge: maxAgeMs }),
  });
}

/** Removes a cookie (an expired one with the same attributes). */
export function clearCookie(res: Response, name: string): void {
  res.clearCookie(name, { httpOnly: true, secure: true, sameSite: 'strict', path: '/' });
}
