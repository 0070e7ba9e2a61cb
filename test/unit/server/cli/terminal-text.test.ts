import { describe, expect, it } from 'vitest';
import {
  escapeTerminalOutput,
  escapeTerminalText,
  jsonForTerminal,
} from '../../../../server/cli/terminal-text';
import { firstHiddenCharacter } from '../../../../src/shared/hidden-characters';

describe('escaping text for the terminal', () => {
  it('when text holds C0 and C1 controls or DEL, then each is shown as \\xHH', () => {
    expect(escapeTerminalText('\x1b[2J\x1b]0;title\x07\x00\x7f\x85\x9b31m')).toBe(
      '\\x1b[2J\\x1b]0;title\\x07\\x00\\x7f\\x85\\x9b31m',
    );
    expect(escapeTerminalText('a\r\nb\tc')).toBe('a\\x0d\\x0ab\\x09c');
  });

  it('when text holds bidi, zero-width or other format characters, then each is shown as \\uXXXX', () => {
    const bidi = '\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069';
    expect(escapeTerminalText(`x${bidi}y`)).toBe(
      'x\\u061c\\u200e\\u200f\\u202a\\u202b\\u202c\\u202d\\u202e\\u2066\\u2067\\u2068\\u2069y',
    );
    expect(escapeTerminalText('\u200b\u2028\u2029\ufeff\u00ad')).toBe(
      '\\u200b\\u2028\\u2029\\ufeff\\xad',
    );
    // A tag character (astral) and a lone surrogate.
    expect(escapeTerminalText('\u{e0041}\ud800')).toBe('\\u{e0041}\\ud800');
  });

  it('when text is ordinary, then it is unchanged: accents, other scripts, emoji, backslashes', () => {
    for (const text of [
      'Mr John Rigby',
      'Zoë Ní Bhriain',
      'Şükrü Öztürk',
      'محمد',
      '李小龍',
      '👍🏽',
      'C:\\data\\cards.csv',
    ]) {
      expect(escapeTerminalText(text)).toBe(text);
    }
  });

  it('when a whole message is escaped, then its own line breaks stay and nothing else hidden does', () => {
    expect(escapeTerminalOutput('line 1\n  line 2: \x1b[31mred\r\u202e')).toBe(
      'line 1\n  line 2: \\x1b[31mred\\x0d\\u202e',
    );
  });

  it('when a value is printed as JSON, then hidden characters are JSON escapes and it parses back unchanged', () => {
    const value = { name: 'a\x1b[2Jb\x85c\u202ed\x7fe\u2028f\u{e0041}', lines: ['x\ny'] };
    const text = jsonForTerminal(value);
    expect(text).not.toMatch(/(?!\n)[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u);
    expect(text).toContain('\\u001b[2Jb\\u0085c\\u202ed\\u007fe\\u2028f\\udb40\\udc41');
    expect(JSON.parse(text)).toEqual(value);
  });

  it('when a value is checked, then its first hidden character is named, escaped', () => {
    expect(firstHiddenCharacter('Mr John Rigby')).toBeUndefined();
    expect(firstHiddenCharacter('Mr\u202eJohn\x1b')).toBe('\\u202e');
    expect(firstHiddenCharacter('Mr\r\nJohn')).toBe('\\x0d');
  });
});
