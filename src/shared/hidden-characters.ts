import { z } from 'zod';

/**
 * Characters not shown as themselves: controls and DEL, format controls (bidi, zero-width, BOM),
 * line and paragraph separators, lone surrogates. One in a name could rewrite a terminal.
 */
export const HIDDEN_CHARACTER = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;

/** One hidden character as visible text: `\x1b` up to U+00FF, else `\u202e` or `\u{e0041}`. */
export function visibleCharacter(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  const hex = cp.toString(16);
  if (cp <= 0xff) return `\\x${hex.padStart(2, '0')}`;
  return cp <= 0xffff ? `\\u${hex.padStart(4, '0')}` : `\\u{${hex}}`;
}

/** The first hidden character in a value, shown visibly, or undefined when there is none. */
export function firstHiddenCharacter(text: string): string | undefined {
  const found = HIDDEN_CHARACTER.exec(text);
  return found === null ? undefined : visibleCharacter(found[0]);
}

/**
 * No control, line-break, tab or bidi character, checked before trimming: such a value (a holder's
 * name, an admin argument, a help contact) could rewrite the terminal or screen that shows it.
 */
export const withoutHiddenCharacters = z.string().superRefine((text, ctx) => {
  const hidden = firstHiddenCharacter(text);
  if (hidden !== undefined) {
    ctx.addIssue({
      code: 'custom',
      abort: true,
      message: `contains the character ${hidden}; control, line-break, tab and bidi characters are not allowed.`,
    });
  }
});
