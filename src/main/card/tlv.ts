import { err, ok } from '../../shared/result';
import { concatBytes } from './bytes';
import type { CardError, CardResult } from './types';

/**
 * BER-TLV (ISO/IEC 7816-4 §5.2, X.690) as PIV uses it: tags of one to four bytes held as one
 * number (0x5FC102), definite lengths in short or long form. Decoding is total: bad bytes give
 * a `malformed` CardError. Encoding always uses the minimal (DER) length form.
 */

/** One decoded TLV: its tag number and its value bytes. */
interface Tlv {
  readonly tag: number;
  readonly value: Uint8Array;
}

/** The longest tag accepted, in bytes; PIV uses at most three. */
const MAX_TAG_BYTES = 4;

const malformed = (detail: string): { ok: false; error: CardError } =>
  err({ code: 'malformed', detail });

/** The tag's bytes, most significant first. */
export function tagBytes(tag: number): Uint8Array {
  const out: number[] = [];
  let rest = tag;
  do {
    out.unshift(rest & 0xff);
    rest = Math.floor(rest / 256);
  } while (rest > 0);
  return Uint8Array.from(out);
}

/** Whether a number is a well-formed BER tag (the continuation bits agree with its length). */
export function isValidTag(tag: number): boolean {
  if (!Number.isInteger(tag) || tag < 0 || tag > 0xffffffff) return false;
  const bytes = tagBytes(tag);
  const first = bytes[0]!;
  if (bytes.length === 1) return (first & 0x1f) !== 0x1f;
  if ((first & 0x1f) !== 0x1f) return false;
  // Subsequent bytes: all but the last have bit 8 set; the last has it clear.
  return bytes
    .slice(1)
    .every((b, i, rest) => (i < rest.length - 1 ? (b & 0x80) !== 0 : (b & 0x80) === 0));
}

/** Whether the tag is constructed (its value is itself TLVs), from bit 6 of its first byte. */
function isConstructed(tag: number): boolean {
  return (tagBytes(tag)[0]! & 0x20) !== 0;
}

/** The minimal BER length field for a value length. */
function encodeLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/**
 * Encodes one TLV. The tag is a code constant, so an invalid one is a programming error and
 * throws a TypeError; no input bytes can make this throw.
 */
export function encodeTlv(tag: number, ...values: readonly Uint8Array[]): Uint8Array {
  if (!isValidTag(tag)) throw new TypeError(`invalid BER tag 0x${tag.toString(16)}`);
  const value = concatBytes(...values);
  return concatBytes(tagBytes(tag), encodeLength(value.length), value);
}

/** Encodes several TLVs one after another. */
export function encodeTlvs(items: readonly Tlv[]): Uint8Array {
  return concatBytes(...items.map((item) => encodeTlv(item.tag, item.value)));
}

/** Reads one TLV at `offset`; returns it and the offset just after it. */
export function readTlv(
  bytes: Uint8Array,
  offset = 0,
): CardResult<{ readonly tlv: Tlv; readonly next: number }> {
  let at = offset;
  const first = bytes[at++];
  if (first === undefined) return malformed('TLV expected, found the end of the data');
  let tag = first;
  if ((first & 0x1f) === 0x1f) {
    for (;;) {
      const b = bytes[at++];
      if (b === undefined) return malformed('TLV tag cut short');
      tag = tag * 256 + b;
      if (at - offset > MAX_TAG_BYTES) return malformed('TLV tag longer than four bytes');
      if ((b & 0x80) === 0) break;
    }
  }
  const lengthByte = bytes[at++];
  if (lengthByte === undefined) return malformed('TLV length missing');
  let length = lengthByte;
  if (lengthByte === 0x80) return malformed('indefinite TLV length is not allowed');
  if (lengthByte > 0x80) {
    const count = lengthByte & 0x7f;
    if (count > 4) return malformed(`TLV length of ${count} bytes is too long`);
    length = 0;
    for (let i = 0; i < count; i++) {
      const b = bytes[at++];
      if (b === undefined) return malformed('TLV length cut short');
      length = length * 256 + b;
    }
  }
  if (at + length > bytes.length) {
    return malformed(`TLV 0x${tag.toString(16)} claims ${length} bytes, ${bytes.length - at} left`);
  }
  return ok({ tlv: { tag, value: bytes.slice(at, at + length) }, next: at + length });
}

/** Decodes a sequence of TLVs that fills `bytes` exactly. */
export function decodeTlvs(bytes: Uint8Array): CardResult<readonly Tlv[]> {
  const out: Tlv[] = [];
  for (let offset = 0; offset < bytes.length;) {
    const read = readTlv(bytes, offset);
    if (!read.ok) return read;
    out.push(read.value.tlv);
    offset = read.value.next;
  }
  return ok(out);
}

/** Decodes exactly one TLV filling `bytes`, and checks its tag. */
export function decodeSingle(bytes: Uint8Array, expectedTag: number): CardResult<Uint8Array> {
  const read = readTlv(bytes);
  if (!read.ok) return read;
  if (read.value.tlv.tag !== expectedTag) {
    return malformed(
      `expected tag 0x${expectedTag.toString(16)}, found 0x${read.value.tlv.tag.toString(16)}`,
    );
  }
  if (read.value.next !== bytes.length) return malformed('bytes left after the TLV');
  return ok(read.value.tlv.value);
}

/** The value of the first TLV with `tag` in a sequence; `malformed` when the sequence is bad. */
export function findTlv(bytes: Uint8Array, tag: number): CardResult<Uint8Array | undefined> {
  const items = decodeTlvs(bytes);
  if (!items.ok) return items;
  return ok(items.value.find((item) => item.tag === tag)?.value);
}

/** A decoded TLV tree: constructed tags carry their children. */
export type TlvNode =
  | { readonly tag: number; readonly value: Uint8Array; readonly children?: undefined }
  | { readonly tag: number; readonly value: Uint8Array; readonly children: readonly TlvNode[] };

/** Decodes a sequence of TLVs and, recursively, the values of constructed tags. */
export function decodeTlvTree(bytes: Uint8Array, depth = 0): CardResult<readonly TlvNode[]> {
  if (depth > 16) return malformed('TLV nesting deeper than 16 levels');
  const items = decodeTlvs(bytes);
  if (!items.ok) return items;
  const nodes: TlvNode[] = [];
  for (const item of items.value) {
    if (!isConstructed(item.tag)) {
      nodes.push(item);
      continue;
    }
    const children = decodeTlvTree(item.value, depth + 1);
    if (!children.ok) return children;
    nodes.push({ ...item, children: children.value });
  }
  return ok(nodes);
}

/** Encodes a TLV tree; constructed nodes are encoded from their children. */
export function encodeTlvTree(nodes: readonly TlvNode[]): Uint8Array {
  return concatBytes(
    ...nodes.map((node) =>
      encodeTlv(node.tag, node.children ? encodeTlvTree(node.children) : node.value),
    ),
  );
}
