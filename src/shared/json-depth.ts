/**
 * How deep any JSON body or IPC message may nest. The deepest contract nests three levels; 32
 * leaves room for growth and keeps every walk over untrusted input short (issue 15, ADR 0016).
 */
export const MAX_JSON_DEPTH = 32;

const OPEN_OBJECT = 0x7b; // {
const OPEN_ARRAY = 0x5b; // [
const CLOSE_OBJECT = 0x7d; // }
const CLOSE_ARRAY = 0x5d; // ]
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \

/**
 * Whether JSON text nests deeper than `maxDepth`, in one pass before any parse: brackets count
 * outside strings only. UTF-8 bytes or a string both work, since every structural character is
 * ASCII and no byte of a multi-byte UTF-8 sequence is.
 */
export function jsonTextNestsDeeperThan(
  text: Uint8Array | string,
  maxDepth = MAX_JSON_DEPTH,
): boolean {
  const at =
    typeof text === 'string' ? (i: number) => text.charCodeAt(i) : (i: number) => text[i] ?? 0;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = at(i);
    if (inString) {
      if (c === BACKSLASH) i += 1;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      depth += 1;
      if (depth > maxDepth) return true;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth -= 1;
    }
  }
  return false;
}

/**
 * Whether a value (an IPC message, a parsed body) nests deeper than `maxDepth`. Iterative, and an
 * object reached twice (a cycle or a shared reference, which structured clone can carry and JSON
 * cannot) counts as too deep, so every node is visited at most once.
 */
export function valueNestsDeeperThan(value: unknown, maxDepth = MAX_JSON_DEPTH): boolean {
  const seen = new Set<object>();
  const stack: { readonly value: unknown; readonly depth: number }[] = [{ value, depth: 0 }];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const node = next.value;
    if (typeof node !== 'object' || node === null) continue;
    const depth = next.depth + 1;
    if (depth > maxDepth || seen.has(node)) return true;
    seen.add(node);
    const children: readonly unknown[] = Array.isArray(node) ? node : Object.values(node);
    for (const child of children) {
      if (typeof child === 'object' && child !== null) stack.push({ value: child, depth });
    }
  }
  return false;
}
