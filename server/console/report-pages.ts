import { Router } from 'express';
import { z } from 'zod';
import { REPORT_RANGE_PROBLEMS, reportRangeSchema } from '../domain/desk/activity-report';
import type { ReportService } from '../domain/desk/desk-ports';
import { activityReportCsv } from '../domain/desk/report-csv';
import { addDays, ukDay } from '../domain/desk/uk-day';
import { requireRole, sendPage } from './console-page';
import { errorSummary, type FieldError } from './form-parts';
import { html } from './html';
import { reportBody, reportForm, type DateParts } from './report-views';

/**
 * The RA managers' reports (issue 20, item 5): a date range, the activity report from the domain
 * (as `admin report` gives it), a chart, tables and a CSV download. RA managers only.
 */

/** The form's six boxes, as text (a box left out is empty). */
const boxes = z
  .object(
    Object.fromEntries(
      ['from-day', 'from-month', 'from-year', 'to-day', 'to-month', 'to-year'].map((k) => [
        k,
        z.string().max(20).default(''),
      ]),
    ),
  )
  .catch({});

/** The CSV download's dates, as the page's link gives them. */
const csvQuerySchema = z.object({ from: z.string().max(20), to: z.string().max(20) });

/** A date's boxes from a stored date. */
const partsOf = (day: string): DateParts => ({
  day: String(Number(day.slice(8, 10))),
  month: String(Number(day.slice(5, 7))),
  year: day.slice(0, 4),
});

/** The date the boxes hold, written `YYYY-MM-DD` (the range's schema says if it is a real one). */
const dayOf = (p: DateParts): string =>
  `${p.year.trim().padStart(4, '0')}-${p.month.trim().padStart(2, '0')}-${p.day.trim().padStart(2, '0')}`;

/** What each problem with a date means, as the error message says it. */
function rangeError(field: 'from' | 'to', message: string): FieldError {
  const name = field === 'from' ? 'Start date' : 'End date';
  const text: Readonly<Record<string, string>> = {
    [REPORT_RANGE_PROBLEMS.notADate]: `${name} must be a real date`,
    [REPORT_RANGE_PROBLEMS.tooEarly]: `${name} must be in 2020 or later`,
    [REPORT_RANGE_PROBLEMS.future]: `${name} must be today or in the past`,
    [REPORT_RANGE_PROBLEMS.backwards]: 'Start date must be the same as or before the end date',
    [REPORT_RANGE_PROBLEMS.tooLong]: 'The dates must be no more than a year apart (366 days)',
  };
  return { id: `${field}-day`, text: text[message] ?? `${name} must be a real date` };
}

/** The reports page and its CSV, for RA managers. */
export function reportPages(core: { readonly reports: ReportService }): Router {
  const router = Router();

  router.get('/reports', requireRole('ra'), async (req, res) => {
    const today = ukDay(new Date());
    const given = boxes.parse(req.query) as Record<string, string>;
    const asked = Object.values(given).some((v) => v !== '');
    const part = (name: string) => given[name] ?? '';
    const from: DateParts = asked
      ? { day: part('from-day'), month: part('from-month'), year: part('from-year') }
      : partsOf(addDays(today, -29));
    const to: DateParts = asked
      ? { day: part('to-day'), month: part('to-month'), year: part('to-year') }
      : partsOf(today);
    const range = reportRangeSchema(today).safeParse({ from: dayOf(from), to: dayOf(to) });
    const errors = range.success
      ? []
      : range.error.issues.map((i) => rangeError(i.path[0] === 'to' ? 'to' : 'from', i.message));
    const report = range.success ? await core.reports.activity(range.data) : undefined;
    sendPage(res, {
      title: 'Reports',
      status: errors.length > 0 ? 400 : 200,
      hasErrors: errors.length > 0,
      beforeHeading: errorSummary(errors),
      body: html`${reportForm(from, to, errors)} ${report?.ok === true && reportBody(report.value)}`,
    });
  });

  router.get('/reports/activity.csv', requireRole('ra'), async (req, res) => {
    const query = csvQuerySchema.safeParse(req.query);
    const report = query.success ? await core.reports.activity(query.data) : undefined;
    if (report === undefined || !report.ok) {
      const text = 'Choose the dates of the report again: these cannot be downloaded';
      return sendPage(res, {
        title: 'Reports',
        status: 400,
        hasErrors: true,
        beforeHeading: errorSummary([{ id: 'from-day', text }]),
        body: reportForm(partsOf(ukDay(new Date())), partsOf(ukDay(new Date())), []),
      });
    }
    const { from, to } = report.value;
    res
      .type('text/csv; charset=utf-8')
      .attachment(`smartcard-unlock-activity-${from}-to-${to}.csv`)
      .send(activityReportCsv(report.value));
  });

  return router;
}
