import { describe, expect, it } from 'vitest';
import { secondsUntil } from '../../../../src/renderer/components/use-seconds-until';

describe('secondsUntil', () => {
  const at = '2026-11-28T10:01:00.000Z';
  const now = Date.parse('2026-11-28T10:00:00.000Z');

  it('when the time is ahead, then it counts whole seconds rounded up', () => {
    expect(secondsUntil(at, now)).toBe(60);
    expect(secondsUntil(at, now + 59_001)).toBe(1);
  });

  it('when the time has passed or is not a time, then it is zero', () => {
    expect(secondsUntil(at, now + 61_000)).toBe(0);
    expect(secondsUntil('not a time', now)).toBe(0);
  });
});
