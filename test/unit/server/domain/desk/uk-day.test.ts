import { describe, expect, it } from 'vitest';
import {
  addDays,
  daysInRange,
  isCalendarDay,
  ukDay,
  ukDayStart,
} from '../../../../../server/domain/desk/uk-day';

describe('UK calendar days', () => {
  it('when an instant is late in the UTC day, then its UK date is the next one in summer only', () => {
    expect(ukDay(new Date('2026-01-15T23:30:00Z'))).toBe('2026-01-15');
    expect(ukDay(new Date('2026-07-15T23:30:00Z'))).toBe('2026-07-16');
    expect(ukDay(new Date('2026-07-15T22:59:59Z'))).toBe('2026-07-15');
  });

  it('when a UK day begins, then it is midnight GMT in winter and 23:00 UTC the day before in summer, either side of the clock changes', () => {
    expect(ukDayStart('2026-01-15').toISOString()).toBe('2026-01-15T00:00:00.000Z');
    expect(ukDayStart('2026-07-15').toISOString()).toBe('2026-07-14T23:00:00.000Z');
    // The clocks go forward at 01:00 UTC on 29 March 2026 and back at 01:00 UTC on 25 October.
    expect(ukDayStart('2026-03-29').toISOString()).toBe('2026-03-29T00:00:00.000Z');
    expect(ukDayStart('2026-03-30').toISOString()).toBe('2026-03-29T23:00:00.000Z');
    expect(ukDayStart('2026-10-25').toISOString()).toBe('2026-10-24T23:00:00.000Z');
    expect(ukDayStart('2026-10-26').toISOString()).toBe('2026-10-26T00:00:00.000Z');
  });

  it('when dates are counted and checked, then leap days and month ends are right', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(daysInRange('2026-03-01', '2026-03-01')).toBe(1);
    expect(daysInRange('2028-01-01', '2028-12-31')).toBe(366);
    expect(isCalendarDay('2028-02-29')).toBe(true);
    for (const bad of ['2026-02-29', '2026-13-01', '2026-3-1', '1 March 2026', '']) {
      expect(isCalendarDay(bad), bad).toBe(false);
    }
  });
});
