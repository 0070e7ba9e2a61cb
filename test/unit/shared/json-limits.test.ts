import { describe, expect, it } from 'vitest';
import {
  JSON_LIMITS,
  jsonTextExceedsLimits,
  valueExceedsLimits,
} from '../../../src/shared/json-limits';

const { maxDepth, maxItems } = JSON_LIMITS;
const nested = (levels: number): string => `${'['.repeat(levels)}${']'.repeat(levels)}`;
const items = (n: number, item = '0'): string => Array.from({ length: n }, () => item).join(',');

describe('JSON limits', () => {
  it('when text nests to the cap, then it passes; one level more, then it is over', () => {
    expect(jsonTextExceedsLimits(nested(maxDepth))).toBe(false);
    expect(jsonTextExceedsLimits(nested(maxDepth + 1))).toBe(true);
    expect(jsonTextExceedsLimits(`{"a":${nested(maxDepth)}}`)).toBe(true);
  });

  it('when an array or object holds the most items allowed, then it passes; one more, then it is over', () => {
    expect(jsonTextExceedsLimits(`[${items(maxItems)}]`)).toBe(false);
    expect(jsonTextExceedsLimits(`[${items(maxItems + 1)}]`)).toBe(true);
    const members = (n: number) =>
      `{${Array.from({ length: n }, (_, i) => `"k${i}":[${items(3)}]`).join(',')}}`;
    expect(jsonTextExceedsLimits(members(maxItems))).toBe(false);
    expect(jsonTextExceedsLimits(members(maxItems + 1))).toBe(true);
    // Items are counted per container: many small ones side by side are fine.
    expect(jsonTextExceedsLimits(`[${items(maxItems, `[${items(maxItems)}]`)}]`)).toBe(false);
  });

  it('when brackets and commas sit inside strings, escaped quotes included, then they do not count', () => {
    const text = JSON.stringify({
      a: `[[[[\\"[[[[${','.repeat(500)}`,
      b: '"{{{{' + '['.repeat(100),
    });
    expect(jsonTextExceedsLimits(text, { maxDepth: 1, maxItems: 2 })).toBe(false);
    expect(jsonTextExceedsLimits(`["\\\\", ${nested(2)}]`, { maxDepth: 2, maxItems: 9 })).toBe(
      true,
    );
  });

  it('when the text is UTF-8 bytes, then it counts the same as the string', () => {
    const text = `{"name":"Zoë ${'['.repeat(40)}", "x": ${nested(maxDepth)}}`;
    const bytes = new TextEncoder().encode(text);
    expect(jsonTextExceedsLimits(bytes)).toBe(true);
    expect(jsonTextExceedsLimits(bytes, { maxDepth: maxDepth + 1, maxItems })).toBe(false);
  });

  it('when text or a value is a million levels deep, then it is over without overflowing the stack', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 1_000_000; i += 1) deep = { a: deep };
    expect(valueExceedsLimits(deep)).toBe(true);
    expect(jsonTextExceedsLimits(nested(1_000_000))).toBe(true);
  });

  it('when a value is within the limits, then it passes; too deep, too wide, cyclic or sharing a reference, it is over', () => {
    expect(valueExceedsLimits(JSON.parse(nested(maxDepth)))).toBe(false);
    expect(valueExceedsLimits(JSON.parse(nested(maxDepth + 1)))).toBe(true);
    expect(valueExceedsLimits(JSON.parse(`[${items(maxItems)}]`))).toBe(false);
    expect(valueExceedsLimits(JSON.parse(`[${items(maxItems + 1)}]`))).toBe(true);
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    expect(valueExceedsLimits(cyclic)).toBe(true);
    const shared = {};
    expect(valueExceedsLimits([shared, shared])).toBe(true);
    expect(valueExceedsLimits([{}, {}, 'x', 1, null])).toBe(false);
  });
});
