import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hex, toHex } from '../../../../src/main/card/bytes';
import {
  decodeSingle,
  decodeTlvTree,
  decodeTlvs,
  encodeTlv,
  encodeTlvTree,
  encodeTlvs,
  findTlv,
  isValidTag,
  type TlvNode,
} from '../../../../src/main/card/tlv';

/** Property tests run many cases: room for them on a loaded two-core machine. */
const PROPERTY_TESTS = { timeout: 30_000 };

/** Valid BER tags of one to three bytes, primitive or constructed. */
const tagArb = fc.oneof(
  fc.integer({ min: 0, max: 255 }).filter((b) => (b & 0x1f) !== 0x1f),
  fc
    .tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 0x7f }))
    .map(([cls, b]) => ((cls << 5) | 0x1f) * 256 + b),
  fc
    .tuple(
      fc.integer({ min: 0, max: 7 }),
      fc.integer({ min: 0x80, max: 0xff }),
      fc.integer({ min: 0, max: 0x7f }),
    )
    .map(([cls, b1, b2]) => ((cls << 5) | 0x1f) * 65536 + b1 * 256 + b2),
);

const treeArb: fc.Arbitrary<readonly TlvNode[]> = fc.letrec<{
  nodes: readonly TlvNode[];
  node: TlvNode;
}>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({
      tag: fc.constantFrom(0x04, 0x53, 0x5fc102, 0x81, 0x82),
      value: fc.uint8Array({ maxLength: 300 }),
    }),
    fc
      .record({
        tag: fc.constantFrom(0x30, 0x61, 0x7c, 0x79, 0xac, 0x7f49),
        children: tie('nodes'),
      })
      .map((n) => ({
        ...n,
        value: encodeTlvTree(n.children),
      })),
  ),
  nodes: fc.array(tie('node'), { maxLength: 4 }),
})).nodes;

describe('BER-TLV encoding', () => {
  it('encodes short, one-byte and two-byte long-form lengths minimally', () => {
    expect(toHex(encodeTlv(0x34, new Uint8Array(16)))).toBe(`3410${'00'.repeat(16)}`);
    expect(toHex(encodeTlv(0x70, new Uint8Array(200))).slice(0, 6)).toBe('7081c8');
    expect(toHex(encodeTlv(0x53, new Uint8Array(700))).slice(0, 8)).toBe('538202bc');
  });

  it('encodes a three-byte tag as PIV object identifiers need', () => {
    expect(toHex(encodeTlv(0x5fc102, hex('01')))).toBe('5fc1020101');
  });

  it('nests constructed values', () => {
    expect(toHex(encodeTlv(0x7c, encodeTlv(0x82), encodeTlv(0x81, hex('aabb'))))).toBe(
      '7c0682008102aabb',
    );
  });

  it('when a tag number is not a valid BER tag, then encoding refuses it as a programming error', () => {
    expect(isValidTag(0x1f)).toBe(false);
    expect(isValidTag(0x5f81)).toBe(false);
    expect(() => encodeTlv(0x1f, new Uint8Array(0))).toThrow(TypeError);
  });
});

describe('BER-TLV decoding', PROPERTY_TESTS, () => {
  it('finds a tag in a sequence', () => {
    expect(findTlv(hex('3001aa3402bbcc'), 0x34)).toEqual({ ok: true, value: hex('bbcc') });
    expect(findTlv(hex('3001aa'), 0x34)).toEqual({ ok: true, value: undefined });
  });

  it('accepts a non-minimal long-form length, as some cards send', () => {
    expect(decodeSingle(hex('538200020102'), 0x53)).toEqual({ ok: true, value: hex('0102') });
  });

  it.each([
    ['a length beyond the data', '5305aa'],
    ['an indefinite length', '5380aa0000'],
    ['a length field of five bytes', '53850000000001aa'],
    ['a tag cut short', '5fc1'],
    ['a tag longer than four bytes', '5f8181818101aa'],
    ['a missing length', '53'],
  ])('when it meets %s, then it answers malformed', (_what, bytes) => {
    const result = decodeTlvs(hex(bytes));
    expect(result.ok ? 'ok' : result.error.code).toBe('malformed');
  });

  it('when the outer tag is not the expected one, then decodeSingle says so', () => {
    const result = decodeSingle(hex('7001aa'), 0x53);
    expect(result.ok ? 'ok' : result.error.detail).toMatch(/expected tag 0x53/);
  });

  it('round-trips every sequence of primitive TLVs', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ tag: tagArb, value: fc.uint8Array({ maxLength: 400 }) }), {
          maxLength: 6,
        }),
        (items) => {
          expect(decodeTlvs(encodeTlvs(items))).toEqual({ ok: true, value: items });
        },
      ),
    );
  });

  it('round-trips nested trees through decodeTlvTree and encodeTlvTree', () => {
    fc.assert(
      fc.property(treeArb, (nodes) => {
        const bytes = encodeTlvTree(nodes);
        const back = decodeTlvTree(bytes);
        expect(back.ok).toBe(true);
        if (back.ok) expect(encodeTlvTree(back.value)).toEqual(bytes);
      }),
    );
  });

  it('never throws on arbitrary bytes: every decoder returns a value or a malformed error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        for (const result of [
          decodeTlvs(bytes),
          decodeTlvTree(bytes),
          decodeSingle(bytes, 0x53),
          findTlv(bytes, 0x34),
        ]) {
          if (!result.ok) expect(result.error.code).toBe('malformed');
        }
      }),
    );
  });
});
