import { describe, expect, it } from 'vitest';
import { SourceThrottle, sourceKey } from '../../../../server/domain/source-throttle';

const MINUTE = 60_000;

describe('SourceThrottle', () => {
  it('when one source repeats within the interval, then only the first passes, and the next one after it says how many were held back', () => {
    const t = new SourceThrottle(MINUTE, 10);
    expect(t.admit('a', 0)).toBe(0);
    for (let i = 1; i <= 59; i++) expect(t.admit('a', i * 1000 - 1)).toBeUndefined();
    expect(t.admit('b', 30_000)).toBe(0);
    expect(t.admit('a', MINUTE)).toBe(59);
    expect(t.admit('a', MINUTE + 1)).toBeUndefined();
  });

  it('when the clock goes back, then the source passes rather than being held for good', () => {
    const t = new SourceThrottle(MINUTE, 10);
    expect(t.admit('a', 10 * MINUTE)).toBe(0);
    expect(t.admit('a', 0)).toBe(0);
  });

  it('when more sources come within the interval than it may remember, then the rest are held back until the interval frees room', () => {
    const t = new SourceThrottle(MINUTE, 100);
    for (let i = 0; i < 100; i++) expect(t.admit(`10.0.0.${i}`, i)).toBe(0);
    // A thousand more addresses within the same minute: none passes, nothing grows.
    for (let i = 0; i < 1_000; i++)
      expect(t.admit(`10.1.${i >> 8}.${i & 255}`, 100 + i)).toBeUndefined();
    expect(t.size).toBe(100);
    // Once the first addresses' minute is over, there is room again.
    expect(t.admit('10.2.0.0', MINUTE + 1)).toBe(0);
    expect(t.admit('10.0.0.99', MINUTE + 1)).toBeUndefined();
  });

  it('when sources fall silent for longer than the interval, then they are forgotten', () => {
    const t = new SourceThrottle(MINUTE, 100);
    for (let i = 0; i < 50; i++) t.admit(`s${i}`, 0);
    t.admit('late', 2 * MINUTE);
    expect(t.size).toBe(1);
  });
});

describe('sourceKey', () => {
  it('when an address is IPv4 or IPv4-mapped, then it is itself', () => {
    expect(sourceKey('203.0.113.7')).toBe('203.0.113.7');
    expect(sourceKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(sourceKey('unknown')).toBe('unknown');
  });

  it('when addresses are IPv6, then those in one /56 share a key and others do not', () => {
    const key = sourceKey('2001:db8:1:2ff::1');
    expect(key).toBe('2001:db8:1:200::/56');
    expect(sourceKey('2001:db8:1:200:ffff:ffff:ffff:ffff')).toBe(key);
    expect(sourceKey('2001:0db8:0001:02ab:0:0:0:9%eth0')).toBe(key);
    expect(sourceKey('2001:db8:1:300::1')).not.toBe(key);
    expect(sourceKey('::1')).toBe('0:0:0:0::/56');
    expect(sourceKey('fe80::1')).toBe('fe80:0:0:0::/56');
  });
});
