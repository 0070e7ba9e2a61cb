/**
 * Whether an IPC message comes from our own renderer (Electron security checklist #17): the
 * sending frame's URL must parse and match the app's origin exactly. Pure, so it is unit-tested
 * without Electron.
 */
export function isTrustedSenderUrl(
  frameUrl: string | undefined,
  trustedOrigins: readonly string[],
): boolean {
  if (frameUrl === undefined || frameUrl === '') return false;
  let url: URL;
  try {
    url = new URL(frameUrl);
  } catch {
    return false;
  }
  // `file:` and custom schemes have the opaque origin "null": compare scheme and host instead.
  const origin = url.origin === 'null' ? `${url.protocol}//${url.host}` : url.origin;
  return trustedOrigins.includes(origin);
}
