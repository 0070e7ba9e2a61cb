import { describe, expect, it } from 'vitest';
import type { ActivityReport } from '../../../../../server/domain/desk/desk-ports';
import { activityReportCsv, csvCell } from '../../../../../server/domain/desk/report-csv';

const counts = {
  selfServiceUnlocks: 3,
  assistedUnlocks: 1,
  lockouts: 2,
  notMeReports: 0,
  medianSecondsToUnlock: 185,
  hoursSaved: 1.3,
};

describe('the activity report as CSV', () => {
  it('when a cell would start a formula in a spreadsheet, then it starts with a quote instead', () => {
    for (const text of ['=1+2', '+44', '-3', '@SUM(A1)', '\tx', '\rx']) {
      expect(csvCell(text).replace(/^"|"$/g, '').startsWith("'"), text).toBe(true);
    }
    expect(csvCell('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvCell('City Hospital')).toBe('City Hospital');
    expect(csvCell(12)).toBe('12');
    expect(csvCell(null)).toBe('');
  });

  it('when a cell holds a comma, a quote or a line break, then it is quoted with quotes doubled (RFC 4180)', () => {
    expect(csvCell('Sandwell, West Bromwich')).toBe('"Sandwell, West Bromwich"');
    expect(csvCell('The "New" Site')).toBe('"The ""New"" Site"');
    expect(csvCell('a\nb')).toBe('"a\nb"');
  });

  it('when a report is exported, then there is a byte-order mark, a header and one CRLF-ended row per day and site', () => {
    const report: ActivityReport = {
      from: '2026-03-01',
      to: '2026-03-02',
      days: [],
      sites: [],
      rows: [
        { day: '2026-03-01', site: '=cmd|calc', ...counts },
        { day: '2026-03-02', site: null, ...counts, medianSecondsToUnlock: null },
      ],
      totals: counts,
      minutesPerInPersonUnlock: 20,
    };
    expect(activityReportCsv(report)).toBe(
      '\uFEFF' +
        [
          "Date,Site,Self-service unlocks,Assisted unlocks,Lockouts,This wasn't me reports,Median seconds from start to unlocked,Hours saved (20 minutes per unlock)",
          "2026-03-01,'=cmd|calc,3,1,2,0,185,1.3",
          '2026-03-02,,3,1,2,0,,1.3',
          '',
        ].join('\r\n'),
    );
  });
});
