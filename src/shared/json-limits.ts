/**
 * How deep any JSON body or IPC message may nest, and how many items one array or object may
 * hold. The contracts nest three levels and hold at most six; the limits leave room for growth
 * and keep every parse and walk of untrusted input short (docs/security-model.md, "Limits").
 */
export const JSON_LIMITS = { maxDepth: 32, maxItems: 64 } as const;

/**
 * The limits for files an administrator writes (settings, card imports, card profiles): as deep,
 * but any number of items, since an import lists every card; their size is the administrator's.
 */
export const FILE_JSON_LIMITS = {
  maxDepth: JSON_LIMITS.maxDepth,
  maxItems: Number.POSITIVE_INFINITY,
} as const;

/** The limits a check applies. */
type JsonLimits = { readonly maxDepth: number; readonly maxItems: number };

const OPEN_OBJECT = 0x7b; // {
const OPEN_ARRAY = 0x5b; // [
const CLOSE_OBJECT = 0x7d; // }
const CLOSE_ARRAY = 0x5d; // ]
const COMMA = 0x2c; // ,
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \

/**
 * Whether JSON text is past the limits, in one pass before any parse: brackets and commas outside
 * strings. Works on a string or UTF-8 bytes (no byte of a multi-byte sequence is ASCII).
 */
export function jsonTextExceedsLimits(
  text: Uint8Array | string,
  limits: JsonLimits = JSON_LIMITS,
): boolean {
  const at =
    typeof text === 'string' ? (i: number) => text.charCodeAt(i) : (i: number) => text[i] ?? 0;
  // Commas seen so far in the open container at each depth.
  const commas = new Uint32Array(limits.maxDepth + 2);
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
      if (depth > limits.maxDepth) return true;
      commas[depth] = 0;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth -= 1;
    } else if (c === COMMA && depth > 0) {
      commas[depth] = (commas[depth] ?? 0) + 1;
      if ((commas[depth] ?? 0) >= limits.maxItems) return true;
    }
  }
  return false;
}

/**
 * Whether a value (an IPC message, a parsed body) nests deeper or holds more items than the
 * limits allow. Iterative, and an object reached twice (a cycle or a shared reference, which
 * structured clone can carry and JSON cannot) counts as over, so every node is visited once.
 */
export function valueExceedsLimits(value: unknown, limits: JsonLimits = JSON_LIMITS): boolean {
  const seen = new Set<object>();
  const stack: { readonly value: unknown; readonly depth: number }[] = [{ value, depth: 0 }];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const node = next.value;
    if (typeof node !== 'object' || node === null) continue;
    const depth = next.depth + 1;
    if (depth > limits.maxDepth || seen.has(node)) return true;
    seen.add(node);
    const children: readonly unknown[] = Array.isArray(node) ? node : Object.values(node);
    if (children.length > limits.maxItems) return true;
    for (const child of children) {
      if (typeof child === 'object' && child !== null) stack.push({ value: child, depth });
    }
  }
  return false;
}
