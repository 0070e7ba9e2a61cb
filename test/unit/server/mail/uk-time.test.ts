import { describe, expect, it } from 'vitest';
import { ukTime } from '../../../../server/mail/uk-time';

describe('times in notices, as the UK reads them', () => {
  it.each([
    // Spring: clocks go forward at 01:00 GMT on Sunday 29 March 2026.
    ['2026-03-29T00:59:00Z', '00:59 on Sunday 29 March 2026 (UK time)'],
    ['2026-03-29T01:00:00Z', '02:00 on Sunday 29 March 2026 (UK time)'],
    // Autumn: clocks go back at 01:00 GMT on Sunday 25 October 2026, so 01:xx happens twice.
    ['2026-10-25T00:59:00Z', '01:59 on Sunday 25 October 2026 (UK time)'],
    ['2026-10-25T01:00:00Z', '01:00 on Sunday 25 October 2026 (UK time)'],
    // Summer time moves the date too, just before midnight UTC.
    ['2026-07-06T23:30:00Z', '00:30 on Tuesday 7 July 2026 (UK time)'],
    ['2026-12-31T23:59:00Z', '23:59 on Thursday 31 December 2026 (UK time)'],
  ])('when the time is %s, then it reads %s', (iso, expected) => {
    expect(ukTime(new Date(iso))).toBe(expected);
  });

  it("when the server's own zone is not the UK's, then the notice still reads UK time", () => {
    // Intl's zone is fixed to Europe/London: the process's TZ plays no part.
    const before = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      expect(ukTime(new Date('2026-07-06T09:15:00Z'))).toBe(
        '10:15 on Monday 6 July 2026 (UK time)',
      );
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });
});
