import { HIDDEN_CHARACTER, visibleCharacter } from '../../src/shared/hidden-characters';

/**
 * Text from an import file, an argument, a card reader or the database, made safe to print: a
 * hostile value must not move the cursor, recolour, retitle or reorder the operator's terminal.
 */

const HIDDEN = new RegExp(HIDDEN_CHARACTER.source, 'gu');
const HIDDEN_BUT_NEWLINE = new RegExp(`(?!\\n)${HIDDEN_CHARACTER.source}`, 'gu');

/**
 * A value to print inside a message: every hidden character, line breaks and tabs included,
 * shown as an escape. Backslashes are kept as they are (Windows paths stay readable); the text
 * `\x1b` in a value is then ambiguous, but harmless.
 */
export function escapeTerminalText(text: string): string {
  return text.replace(HIDDEN, visibleCharacter);
}

/**
 * A whole message about to be written: the CLI's own line breaks stay, everything else hidden is
 * escaped. The last guard, for a value a message forgot to escape.
 */
export function escapeTerminalOutput(text: string): string {
  return text.replace(HIDDEN_BUT_NEWLINE, visibleCharacter);
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
