import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { findIllFormedString, isWellFormed, parseWith } from '../../../../server/http/validate';
import { HttpFailure } from '../../../../server/http/http-failures';

describe('request validation', () => {
  it('when a string has a lone surrogate, then it is not well-formed; a pair is', () => {
    expect(isWellFormed('\ud800')).toBe(false);
    expect(isWellFormed('a\udc00')).toBe(false);
    expect(isWellFormed('😀 ok')).toBe(true);
  });

  it('when a nested value holds an ill-formed string, then its path is found', () => {
    expect(findIllFormedString({ a: [{ b: 'fine' }, { b: 'x\ud800' }] })).toBe('a.1.b');
    expect(findIllFormedString({ a: ['fine'] })).toBeUndefined();
  });

  it('when two strings are ill-formed, then the first in document order is named', () => {
    expect(findIllFormedString({ a: ['ok', '\udc00'], b: '\ud800' })).toBe('a.1');
    expect(findIllFormedString({ 'bad\ud800': 1 })).toBe('body');
  });

  it('when a value is 100,000 levels deep, then the walk neither overflows nor copies a path per level', () => {
    let deep: unknown = 'x\ud800';
    for (let i = 0; i < 100_000; i += 1) deep = [deep];
    expect(findIllFormedString(deep)).toBe(Array.from({ length: 100_000 }, () => '0').join('.'));
  });

  it('when a value fails a strict schema, then the failure names the first unknown key', () => {
    const schema = z.object({ a: z.string() }).strict();
    expect(() => parseWith(schema, { a: 'x', b: 1 })).toThrow(HttpFailure);
    try {
      parseWith(schema, { a: 'x', b: 1 });
    } catch (e) {
      expect((e as HttpFailure).details).toEqual({ field: 'b' });
    }
  });

  it('when a whole value is wrong, then the failure names the root given', () => {
    try {
      parseWith(z.string().min(5), 'abc', 'attemptId');
      expect.unreachable();
    } catch (e) {
      expect((e as HttpFailure).details).toEqual({ field: 'attemptId' });
    }
  });

  it('when a value is valid, then the parsed (transformed) value is returned', () => {
    expect(
      parseWith(
        z.string().transform((s) => s.toUpperCase()),
        'ab',
      ),
    ).toBe('AB');
  });
});
