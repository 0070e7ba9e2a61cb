import { MINUTES_PER_IN_PERSON_UNLOCK } from './activity-report';
import type { ActivityReport } from './desk-ports';

/**
 * The activity report as CSV for a spreadsheet (RFC 4180: CRLF line ends, a field quoted when it
 * holds a quote, comma or line break; UTF-8 with a byte-order mark, which Excel needs to read it
 * so). A cell that would start a formula starts with a quote: a site's name comes from an import.
 */

const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell: defused, then quoted when it must be. */
export function csvCell(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const HEADER = [
  'Date',
  'Site',
  'Self-service unlocks',
  'Assisted unlocks',
  'Lockouts',
  "This wasn't me reports",
  'Median seconds from start to unlocked',
  `Hours saved (${MINUTES_PER_IN_PERSON_UNLOCK} minutes per unlock)`,
];

/** One row per UK day and site with any activity, in date order; the site is empty for none. */
export function activityReportCsv(report: ActivityReport): string {
  const rows = report.rows.map((r) => [
    r.day,
    r.site,
    r.selfServiceUnlocks,
    r.assistedUnlocks,
    r.lockouts,
    r.notMeReports,
    r.medianSecondsToUnlock,
    r.hoursSaved,
  ]);
  const lines = [HEADER, ...rows].map((cells) => `${cells.map(csvCell).join(',')}\r\n`);
  return `\uFEFF${lines.join('')}`;
}
