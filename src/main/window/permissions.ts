/**
 * The page's permissions: none, except writing text to the clipboard after a press of a button
 * (the diagnostics screen's Copy report). Chromium asks for `clipboard-sanitized-write` for that;
 * it cannot read the clipboard, and the text it writes holds no secret.
 */
const ALLOWED: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

/** Whether the window grants a permission the page asks for. */
export function isPermissionAllowed(permission: string): boolean {
  return ALLOWED.has(permission);
}
