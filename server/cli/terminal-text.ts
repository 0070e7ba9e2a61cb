/**
 * Text from an import file, an argument, a card reader or the database, made safe to print: a
 * hostile value must not move the cursor, recolour, retitle or reorder the operator's terminal.
 */

/**
 * Characters that are not shown as themselves: C0 and C1 controls and DEL (Cc), format controls
 * such as the bidi overrides and isolates, zero-width characters and the BOM (Cf), the line and
 * paragraph separators (Zl, Zp), and lone surrogates (Cs).
 */
const HIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;
const HIDDEN_BUT_NEWLINE = /(?!\n)[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

/** One hidden character as visible text: `\x1b` up to U+00FF, else `\u202e` or `\u{e0041}`. */
function visible(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  const hex = cp.toString(16);
  if (cp <= 0xff) return `\\x${hex.padStart(2, '0')}`;
  return cp <= 0xffff ? `\\u${hex.padStart(4, '0')}` : `\\u{${hex}}`;
}

/**
 * A value to print inside a message: every hidden character, line breaks and tabs included,
 * shown as an escape. Backslashes are kept as they are (Windows paths stay readable); the text
 * `\x1b` in a value is then ambiguous, but harmless.
 */
export function escapeTerminalText(text: string): string {
  return text.replace(HIDDEN, visible);
}

/**
 * A whole message about to be written: the CLI's own line breaks stay, everything else hidden is
 * escaped. The last guard, for a value a message forgot to escape.
 */
export function escapeTerminalOutput(text: string): string {
  return text.replace(HIDDEN_BUT_NEWLINE, visible);
}

/** The first hidden character in a value, escaped, or undefined when there is none. */
export function firstHiddenCharacter(text: string): string | undefined {
  const found = new RegExp(HIDDEN.source, 'u').exec(text);
  return found === null ? undefined : visible(found[0]);
}

/**
 * A value as indented JSON that is safe to print and still parses to the same value: hidden
 * characters JSON.stringify leaves raw (C1, DEL, bidi...) become `\uXXXX` escapes. A raw line
 * break left in the text is the layout's, since JSON.stringify escapes those inside strings.
 */
export function jsonForTerminal(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(HIDDEN_BUT_NEWLINE, (ch) =>
    Array.from(
      { length: ch.length },
      (_, i) => `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`,
    ).join(''),
  );
}
