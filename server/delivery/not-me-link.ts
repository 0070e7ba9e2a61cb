/** The path of the "This wasn't me" pages on the public listener, outside /v1 and its JSON. */
export const NOT_ME_PATH = '/not-me';

/**
 * The link in an unlock notice: the server's public address, the page, and the token in the query
 * string, which the request log never records (server/logging.ts keeps the path only).
 */
const notMeUrl = (publicUrl: string, token: string): string =>
  `${publicUrl}${NOT_ME_PATH}?token=${encodeURIComponent(token)}`;

/**
 * The link a notice carries: its address and the days it works, when the domain gave the notice
 * a token and the server knows its public address; undefined otherwise.
 */
export function noticeLink(
  notMe: { readonly token: string; readonly validDays: number } | undefined,
  publicUrl: string | undefined,
): { readonly url: string; readonly validDays: number } | undefined {
  if (notMe === undefined || publicUrl === undefined) return undefined;
  return { url: notMeUrl(publicUrl, notMe.token), validDays: notMe.validDays };
}
