import { describe, expect, it } from 'vitest';
import {
  jsonTextNestsDeeperThan,
  MAX_JSON_DEPTH,
  valueNestsDeeperThan,
} from '../../../src/shared/json-depth';

const nested = (levels: number, open = '[', close = ']'): string =>
  `${open.repeat(levels)}${close.repeat(levels)}`;

describe('JSON nesting cap', () => {
  it('when text nests to the cap, then it passes; one level more, then it is too deep', () => {
    expect(jsonTextNestsDeeperThan(nested(MAX_JSON_DEPTH))).toBe(false);
    expect(jsonTextNestsDeeperThan(nested(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(jsonTextNestsDeeperThan(`{"a":${nested(MAX_JSON_DEPTH)}}`)).toBe(true);
  });

  it('when brackets sit inside strings, escaped quotes included, then they do not count', () => {
    const text = JSON.stringify({ a: '[[[[\\"[[[[', b: '"{{{{' + '['.repeat(100) });
    expect(jsonTextNestsDeeperThan(text, 1)).toBe(false);
    expect(jsonTextNestsDeeperThan(`["\\\\", ${nested(2)}]`, 2)).toBe(true);
  });

  it('when the text is UTF-8 bytes, then it counts the same as the string', () => {
    const text = `{"name":"Zoë ${'['.repeat(40)}", "x": ${nested(MAX_JSON_DEPTH)}}`;
    const bytes = new TextEncoder().encode(text);
    expect(jsonTextNestsDeeperThan(bytes)).toBe(true);
    expect(jsonTextNestsDeeperThan(bytes, MAX_JSON_DEPTH + 1)).toBe(false);
  });

  it('when a value is a million levels deep, then it is found too deep without overflowing the stack', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 1_000_000; i += 1) deep = { a: deep };
    expect(valueNestsDeeperThan(deep)).toBe(true);
    expect(jsonTextNestsDeeperThan(nested(1_000_000))).toBe(true);
  });

  it('when a value nests to the cap, then it passes; a cycle or a shared reference does not', () => {
    expect(valueNestsDeeperThan(JSON.parse(nested(MAX_JSON_DEPTH)))).toBe(false);
    expect(valueNestsDeeperThan(JSON.parse(nested(MAX_JSON_DEPTH + 1)))).toBe(true);
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    expect(valueNestsDeeperThan(cyclic)).toBe(true);
    const shared = {};
    expect(valueNestsDeeperThan([shared, shared])).toBe(true);
    expect(valueNestsDeeperThan([{}, {}, 'x', 1, null])).toBe(false);
  });
});
