import { durationText } from '../domain/desk/activity-report';
import type { ActivityCounts, ActivityReport } from '../domain/desk/desk-ports';
import { errorFor, summaryList, table, type FieldError } from './form-parts';
import { html, type SafeHtml } from './html';
import { CONSOLE_BASE } from './page-shell';

/** The reports page's content: the dates form, the totals, a chart, the tables and the download. */

/** A date as the form's three boxes hold it. */
export interface DateParts {
  readonly day: string;
  readonly month: string;
  readonly year: string;
}

/** One date, as the design system's date input (day, month, year in one fieldset). */
function dateInput(
  name: 'from' | 'to',
  legend: string,
  value: DateParts,
  errors: readonly FieldError[],
): SafeHtml {
  const error = errorFor(errors, `${name}-day`);
  const box = (part: keyof DateParts, label: string, width: 2 | 4) =>
    html`<div class="nhsuk-date-input__item">
      <div class="nhsuk-form-group">
        <label class="nhsuk-label nhsuk-date-input__label" for="${name}-${part}">${label}</label>
        <input
          class="nhsuk-input nhsuk-input--width-${width} nhsuk-date-input__input${error === undefined ? '' : ' nhsuk-input--error'}"
          id="${name}-${part}"
          name="${name}-${part}"
          type="text"
          inputmode="numeric"
          value="${value[part]}"
        />
      </div>
    </div>`;
  return html`<div class="nhsuk-form-group${error === undefined ? '' : ' nhsuk-form-group--error'}">
    <fieldset
      class="nhsuk-fieldset"
      role="group"
      aria-describedby="${name}-hint${error === undefined ? '' : ` ${name}-error`}"
    >
      <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">${legend}</legend>
      <div class="nhsuk-hint" id="${name}-hint">For example, 27 3 2026</div>
      ${
        error !== undefined &&
        html`<span class="nhsuk-error-message" id="${name}-error"
          ><span class="nhsuk-u-visually-hidden">Error: </span>${error}</span
        >`
      }
      <div class="nhsuk-date-input" id="${name}">
        ${box('day', 'Day', 2)} ${box('month', 'Month', 2)} ${box('year', 'Year', 4)}
      </div>
    </fieldset>
  </div>`;
}

/** The form that chooses the report's dates (a GET: it changes nothing). */
export function reportForm(
  from: DateParts,
  to: DateParts,
  errors: readonly FieldError[],
): SafeHtml {
  return html`<form action="${CONSOLE_BASE}/reports" method="get" novalidate>
    <p>
      Unlocks, lockouts and “This wasn’t me” reports for each day (UK time) and each site or
      organisation, from the audit trail. At most a year at a time.
    </p>
    ${dateInput('from', 'From', from, errors)} ${dateInput('to', 'To', to, errors)}
    <button class="nhsuk-button" data-module="nhsuk-button" type="submit">Show report</button>
  </form>`;
}

/** A date for reading: `2 March 2026`, or `2 Mar 2026` for a table's row. */
function dateText(day: string, month: 'long' | 'short' = 'long'): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: 'UTC',
    day: 'numeric',
    month,
    year: 'numeric',
  }).format(new Date(`${day}T00:00:00Z`));
}

/** The chart's size in its own units; the SVG scales to the page's width. */
const CHART = { width: 640, height: 160, left: 0, bottom: 4, top: 4 } as const;

/**
 * Unlocks per day as bars (self-service, with assisted unlocks above them), for a person who would
 * rather look than read: an image with its own title and summary; every number is in the tables.
 */
function unlocksChart(report: ActivityReport): SafeHtml {
  const unlocks = (c: ActivityCounts) => c.selfServiceUnlocks + c.assistedUnlocks;
  const max = Math.max(1, ...report.days.map(unlocks));
  const plotWidth = CHART.width - CHART.left;
  const plotHeight = CHART.height - CHART.bottom - CHART.top;
  const step = plotWidth / report.days.length;
  const barWidth = Math.max(1, step * 0.8);
  const y = (n: number) => CHART.top + plotHeight - (n / max) * plotHeight;
  const bar = (x: number, from: number, to: number, fill: string) =>
    to === from
      ? html``
      : html`<rect
          x="${x.toFixed(1)}"
          y="${y(to).toFixed(1)}"
          width="${barWidth.toFixed(1)}"
          height="${(y(from) - y(to)).toFixed(1)}"
          fill="${fill}"
        />`;
  const busiest = report.days.reduce((a, b) => (unlocks(b) > unlocks(a) ? b : a));
  const first = report.days[0]?.day ?? report.from;
  const last = report.days.at(-1)?.day ?? report.to;
  const summary = `Unlocks each day from ${dateText(first)} to ${dateText(last)}: ${unlocks(report.totals)} in all, at most ${unlocks(busiest)} on one day${unlocks(busiest) > 0 ? ` (${dateText(busiest.day)})` : ''}.`;
  return html`<figure class="nhsuk-u-margin-bottom-5">
    <svg
      xmlns="http://www.w3.org/2000/svg"
      viewBox="0 0 ${CHART.width} ${CHART.height}"
      width="100%"
      role="img"
      aria-labelledby="unlocks-chart-title unlocks-chart-desc"
      focusable="false"
    >
      <title id="unlocks-chart-title">Unlocks per day</title>
      <desc id="unlocks-chart-desc">${summary}</desc>
      <line x1="${CHART.left}" y1="${y(0)}" x2="${CHART.width}" y2="${y(0)}" stroke="#4c6272" />
      ${report.days.map((d, i) => {
        const x = CHART.left + i * step + (step - barWidth) / 2;
        return html`${bar(x, 0, d.selfServiceUnlocks, '#005eb8')}${bar(x, d.selfServiceUnlocks, unlocks(d), '#330072')}`;
      })}
    </svg>
    <figcaption class="nhsuk-body-s">
      ${summary} Each bar is a day, from ${dateText(first)} on the left to ${dateText(last)} on the
      right; the tallest bar is ${max} unlock${max === 1 ? '' : 's'}. Dark blue: self-service;
      purple, on top: approved by the service desk. The numbers for each day are in the table below.
    </figcaption>
  </figure>`;
}

/** A line of counts as table cells, after its first. */
const countCells = (c: ActivityCounts) => [
  c.selfServiceUnlocks,
  c.assistedUnlocks,
  c.lockouts,
  c.notMeReports,
  durationText(c.medianSecondsToUnlock),
  c.hoursSaved,
];

const COUNT_HEAD = [
  { text: 'Self-service unlocks', numeric: true },
  { text: 'Assisted unlocks', numeric: true },
  { text: 'Lockouts', numeric: true },
  { text: '“This wasn’t me” reports', numeric: true },
  { text: 'Median time to unlock', numeric: true },
  { text: 'Hours saved', numeric: true },
];

/** The report itself: totals, the chart, by site, by day, and the CSV to download. */
export function reportBody(report: ActivityReport): SafeHtml {
  const t = report.totals;
  const csv = `${CONSOLE_BASE}/reports/activity.csv?from=${report.from}&to=${report.to}`;
  return html`<h2 class="nhsuk-heading-m">${dateText(report.from)} to ${dateText(report.to)}</h2>
    ${summaryList([
      ['Self-service unlocks', String(t.selfServiceUnlocks)],
      ['Unlocks approved by the service desk', String(t.assistedUnlocks)],
      ['Lockouts (after too many wrong answers or codes)', String(t.lockouts)],
      ['“This wasn’t me” reports', String(t.notMeReports)],
      ['Median time from start to unlocked', durationText(t.medianSecondsToUnlock)],
      [
        'Hours of staff time saved',
        `${t.hoursSaved} (NHS England’s figure of ${report.minutesPerInPersonUnlock} minutes for each unlock not done in person)`,
      ],
    ])}
    ${unlocksChart(report)}
    <p><a href="${csv}" download>Download this report as a CSV file (for a spreadsheet)</a></p>
    ${
      report.sites.length === 0
        ? html`<p>There was no activity on these dates.</p>`
        : table({
            caption: 'By site or organisation',
            head: [{ text: 'Site or organisation' }, ...COUNT_HEAD],
            rows: report.sites.map((s) => [s.site ?? 'No site', ...countCells(s)]),
          })
    }
    ${table({
      caption: 'By day (UK time)',
      head: [{ text: 'Date' }, ...COUNT_HEAD],
      rows: report.days.map((d) => [dateText(d.day, 'short'), ...countCells(d)]),
    })}`;
}
