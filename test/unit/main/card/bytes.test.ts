import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bytesEqual,
  concatBytes,
  constantTimeEqual,
  fromHex,
  hex,
  toHex,
} from '../../../../src/main/card/bytes';

describe('byte helpers', () => {
  it('round-trips hex for any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(fromHex(toHex(bytes))).toEqual(bytes);
      }),
    );
  });

  it('reads hex with spaces and either case', () => {
    expect(fromHex('A0 00 00 03 08')).toEqual(Uint8Array.of(0xa0, 0, 0, 3, 8));
  });

  it('when the text is not whole hex bytes, then fromHex answers undefined and hex throws', () => {
    expect(fromHex('abc')).toBeUndefined();
    expect(fromHex('zz')).toBeUndefined();
    expect(() => hex('0g')).toThrow(TypeError);
  });

  it('joins arrays in order', () => {
    expect(concatBytes(hex('01'), new Uint8Array(0), hex('0203'))).toEqual(hex('010203'));
  });

  it('compares equal and unequal arrays the same way whether or not the comparison is constant-time', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 8 }), fc.uint8Array({ maxLength: 8 }), (a, b) => {
        expect(constantTimeEqual(a, b)).toBe(bytesEqual(a, b));
        expect(constantTimeEqual(a, a)).toBe(true);
      }),
    );
  });
});
