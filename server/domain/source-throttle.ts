import { isIPv6 } from 'node:net';

/**
 * Lets a repeated event through at most once per interval and source, counting the ones held
 * back. Bounded memory: past `maxSources`, the source let through longest ago is forgotten.
 */
export class SourceThrottle {
  readonly #seen = new Map<string, { readonly at: number; skipped: number }>();

  constructor(
    private readonly intervalMs: number,
    private readonly maxSources: number,
  ) {}

  /** Undefined to hold this one back; otherwise how many were held back since the last one. */
  admit(source: string, nowMs: number): number | undefined {
    const seen = this.#seen.get(source);
    if (seen !== undefined && nowMs >= seen.at && nowMs - seen.at < this.intervalMs) {
      seen.skipped += 1;
      return undefined;
    }
    // The map is in the order sources were let through, oldest first: forget those whose
    // interval is over (or lies in the future, after the clock went back).
    for (const [key, entry] of this.#seen) {
      if (nowMs >= entry.at && nowMs - entry.at < this.intervalMs) break;
      this.#seen.delete(key);
    }
    // Full of sources still inside their interval: a new one is held back too, so any number
    // of addresses together pass at most `maxSources` an interval.
    if (!this.#seen.has(source) && this.#seen.size >= this.maxSources) return undefined;
    this.#seen.delete(source);
    this.#seen.set(source, { at: nowMs, skipped: 0 });
    return seen?.skipped ?? 0;
  }

  /** How many sources are remembered (for tests of the bound). */
  get size(): number {
    return this.#seen.size;
  }
}

/**
 * The key a source address is throttled under: an IPv6 address is reduced to its /56, as the
 * per-address rate limits count it, so one host cannot escape by cycling its own addresses.
 */
export function sourceKey(address: string): string {
  const ip = address.split('%')[0] ?? address;
  if (!isIPv6(ip)) return ip;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1] !== undefined) return mapped[1];
  const [head = '', tail] = ip.split('::');
  const parts = (s: string | undefined) => (s === undefined || s === '' ? [] : s.split(':'));
  const h = parts(head);
  const t = parts(tail);
  const groups = [...h, ...Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t];
  const g = groups.slice(0, 4).map((x) => parseInt(x, 16) || 0);
  return `${g[0]!.toString(16)}:${g[1]!.toString(16)}:${g[2]!.toString(16)}:${(g[3]! & 0xff00).toString(16)}::/56`;
}
