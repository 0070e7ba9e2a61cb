import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The local stylesheet's rules for reflow and forced colours, read as text: jsdom applies no CSS,
 * so the end-to-end suite checks the effect (320 px wide, Playwright's `forcedColors`).
 */
const css = readFileSync(
  resolve(import.meta.dirname, '../../../src/renderer/styles/app.css'),
  'utf8',
);

/** The body of the first block opened by `opening` (braces balanced). */
function block(text: string, opening: string): string {
  const start = text.indexOf(opening);
  if (start < 0) return '';
  let depth = 0;
  for (let i = text.indexOf('{', start); i < text.length; i += 1) {
    if (text[i] === '{') depth += 1;
    if (text[i] === '}') depth -= 1;
    if (depth === 0) return text.slice(text.indexOf('{', start) + 1, i);
  }
  return '';
}

describe('the stylesheet', () => {
  const forced = block(css, '@media (forced-colors: active)');

  it('when colours are forced, then a disabled button is drawn in GrayText', () => {
    expect(block(forced, '.nhsuk-button:disabled')).toMatch(/color:\s*GrayText/);
  });

  it('when colours are forced, then the link-styled button is a link, and callouts keep a border', () => {
    expect(block(forced, '.app-link-button')).toMatch(/color:\s*LinkText/);
    expect(block(forced, '.nhsuk-card--warning')).toMatch(/border:\s*4px solid CanvasText/);
  });

  it('when the page is 320 px wide, then long words in the page and its footer wrap', () => {
    expect(block(css, '.nhsuk-main-wrapper')).toMatch(/overflow-wrap:\s*break-word/);
  });

  it('when a live region is empty, then it is still in the page (never display: none)', () => {
    expect(block(css, '.app-dev-panel__status')).not.toMatch(/display:\s*none/);
  });
});
