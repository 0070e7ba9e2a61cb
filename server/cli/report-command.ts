import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { durationText, MAX_REPORT_DAYS, reportRangeSchema } from '../domain/desk/activity-report';
import type { ActivityCounts, ActivityReport } from '../domain/desk/desk-ports';
import { activityReportCsv } from '../domain/desk/report-csv';
import { addDays, ukDay } from '../domain/desk/uk-day';
import { EXIT, alignedColumns, withCore, type Command } from './admin-command';
import { escapeTerminalText as shown, jsonForTerminal } from './terminal-text';

/** The columns of a line of counts, after its first. */
const COLUMNS = ['SELF-SERVICE', 'ASSISTED', 'LOCKOUTS', 'NOT-ME', 'MEDIAN', 'HOURS SAVED'];

const countsOf = (c: ActivityCounts): string[] => [
  String(c.selfServiceUnlocks),
  String(c.assistedUnlocks),
  String(c.lockouts),
  String(c.notMeReports),
  durationText(c.medianSecondsToUnlock),
  String(c.hoursSaved),
];

/** The report as text: each day, each site, then the totals. */
function formatReport(r: ActivityReport): string {
  const t = r.totals;
  return [
    `Activity from ${r.from} to ${r.to} (UK dates)`,
    '',
    ...alignedColumns(
      ['DATE', ...COLUMNS],
      r.days.map((d) => [d.day, ...countsOf(d)]),
    ),
    '',
    ...alignedColumns(
      ['SITE', ...COLUMNS],
      r.sites.map((s) => [shown(s.site ?? '(no site)'), ...countsOf(s)]),
    ),
    '',
    `Total: ${t.selfServiceUnlocks} self-service unlocks, ${t.assistedUnlocks} assisted, ${t.lockouts} lockouts, ${t.notMeReports} "This wasn't me" reports.`,
    `Median from start to unlocked: ${durationText(t.medianSecondsToUnlock)}. Hours saved: ${t.hoursSaved} (${r.minutesPerInPersonUnlock} minutes per in-person unlock).`,
  ].join('\n');
}

/** `report`: the RA managers' activity report, as the console gives it. */
export const REPORT_COMMAND: Command = {
  name: 'report',
  usage: 'report [--from DATE] [--to DATE] [--csv FILE | --json]',
  summary: 'Unlocks, lockouts and "This wasn’t me" reports per day and site; hours saved.',
  details: `Counted from the audit trail by UK date (Europe/London). Self-service and assisted unlocks,
the failures that locked a card, "This wasn't me" reports, the median time from an unlock's start
to unlocked, and hours saved at NHS England's 20 minutes per in-person unlock. A card's site is the
one it has now (the import's site column).
  --from DATE  the first day, YYYY-MM-DD (default: 29 days before --to)
  --to DATE    the last day, YYYY-MM-DD (default: today); at most ${MAX_REPORT_DAYS} days in all
  --csv FILE   write one row per day and site as CSV (for a spreadsheet) to FILE
  --json       print JSON instead of text`,
  options: {
    from: { type: 'string' },
    to: { type: 'string' },
    csv: { type: 'string' },
    json: { type: 'boolean' },
  },
  positionals: [],
  async run(args) {
    const { from, to, csv, json } = args.values;
    if (typeof csv === 'string' && json === true) {
      args.io.err('Give --csv FILE or --json, not both.');
      return EXIT.usage;
    }
    const today = ukDay(new Date());
    const last = typeof to === 'string' ? to : today;
    const range = reportRangeSchema(today).safeParse({
      from: typeof from === 'string' ? from : addDays(last, -29),
      to: last,
    });
    if (!range.success) {
      const issue = range.error.issues[0];
      args.io.err(`--${String(issue?.path[0])}: ${shown(issue?.message ?? 'is not valid.')}`);
      return EXIT.usage;
    }
    return withCore(
      args,
      (core) => core.reports.activity(range.data),
      (report) => {
        if (typeof csv === 'string') {
          const file = resolve(args.io.cwd, csv);
          writeFileSync(file, activityReportCsv(report));
          args.io.out(`Wrote ${report.rows.length} rows to ${shown(file)}.`);
        } else {
          args.io.out(json === true ? jsonForTerminal(report) : formatReport(report));
        }
      },
    );
  },
};
