import { z } from 'zod';
import { ok } from '../../../src/shared/result';
import { LOCKED_NOW_DETAIL } from '../card-lock';
import { DESK_APPROVAL_ACTION } from '../assisted-unlock';
import type { DomainDeps } from '../deps';
import { NOT_ME_ACTION } from '../not-me';
import { fail } from '../refusal';
import type {
  ActivityCounts,
  ActivityReport,
  ReportEvent,
  ReportEventKind,
  ReportService,
} from './desk-ports';
import { addDays, daysInRange, isCalendarDay, ukDay, ukDayStart } from './uk-day';

/** NHS England's figure for the clinician's time one in-person (desk or walk-in) unlock takes. */
export const MINUTES_PER_IN_PERSON_UNLOCK = 20;

/** The longest range a report covers: a year, leap day included. */
export const MAX_REPORT_DAYS = 366;

/** No report starts before the service could have run. */
const EARLIEST_DAY = '2020-01-01';

/** The audit actions of an unlock's successful outcome, whichever flow it took. */
const UNLOCKED_ACTIONS: readonly string[] = ['unlock.outcome'];

/** An unlock is assisted when its attempt has one of these rows (`ok`): the desk's approval. */
const DESK_APPROVAL_ACTIONS: readonly string[] = [DESK_APPROVAL_ACTION];

/** The rows a report counts: unlocks, the failures that locked a card, "This wasn't me". */
const EVENT_KINDS: readonly ReportEventKind[] = [
  { actions: UNLOCKED_ACTIONS, outcome: 'ok' },
  { outcome: 'SELF_SERVICE_LOCKED', detail: LOCKED_NOW_DETAIL },
  { actions: [NOT_ME_ACTION], outcome: 'ok' },
];

/** What can be wrong with a report's dates, as the schema's messages say it. */
export const REPORT_RANGE_PROBLEMS = {
  notADate: 'is not a real date.',
  tooEarly: `is before ${EARLIEST_DAY}.`,
  future: 'is in the future.',
  backwards: 'is after the end date.',
  tooLong: `is more than ${MAX_REPORT_DAYS} days after the start date.`,
} as const;

const daySchema = z
  .string()
  .trim()
  .refine(isCalendarDay, REPORT_RANGE_PROBLEMS.notADate)
  .refine((day) => day >= EARLIEST_DAY, REPORT_RANGE_PROBLEMS.tooEarly);

/** A report's dates (UK, both included): real, in order, not after today, at most a year. */
export function reportRangeSchema(today: string) {
  return z
    .object({ from: daySchema, to: daySchema })
    .strict()
    .superRefine((r, ctx) => {
      const problem = (path: 'from' | 'to', message: string) =>
        ctx.addIssue({ code: 'custom', path: [path], message });
      if (r.to > today) problem('to', REPORT_RANGE_PROBLEMS.future);
      if (r.from > r.to) problem('from', REPORT_RANGE_PROBLEMS.backwards);
      else if (daysInRange(r.from, r.to) > MAX_REPORT_DAYS) {
        problem('to', REPORT_RANGE_PROBLEMS.tooLong);
      }
    });
}

/** The middle value (the mean of the two middle ones for an even count); null for none. */
function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return Math.round(value);
}

/** A group's running counts and the unlocks' times, in seconds. */
class Tally {
  readonly counts = { selfServiceUnlocks: 0, assistedUnlocks: 0, lockouts: 0, notMeReports: 0 };
  readonly seconds: number[] = [];

  add(event: ReportEvent): void {
    if (event.outcome === 'SELF_SERVICE_LOCKED') this.counts.lockouts++;
    else if (event.action === NOT_ME_ACTION) this.counts.notMeReports++;
    else {
      if (event.marked) this.counts.assistedUnlocks++;
      else this.counts.selfServiceUnlocks++;
      if (event.attemptStartedAt !== null) {
        this.seconds.push((Date.parse(event.at) - Date.parse(event.attemptStartedAt)) / 1000);
      }
    }
  }

  result(): ActivityCounts {
    const unlocks = this.counts.selfServiceUnlocks + this.counts.assistedUnlocks;
    return {
      ...this.counts,
      medianSecondsToUnlock: median(this.seconds),
      hoursSaved: Math.round((unlocks * MINUTES_PER_IN_PERSON_UNLOCK) / 6) / 10,
    };
  }
}

/** The tally under `key`, made on first use. */
function tallyOf<K>(map: Map<K, Tally>, key: K): Tally {
  const found = map.get(key);
  if (found !== undefined) return found;
  const made = new Tally();
  map.set(key, made);
  return made;
}

/** The RA managers' activity report, counted from the audit trail by UK day and by site. */
export function createReportService(deps: DomainDeps): ReportService {
  return {
    async activity(range) {
      const parsed = reportRangeSchema(ukDay(deps.now())).safeParse(range);
      if (!parsed.success) {
        return fail('VALIDATION_FAILED', { field: String(parsed.error.issues[0]?.path[0]) });
      }
      const { from, to } = parsed.data;
      const events = await deps.repos.reports.events(
        {
          from: ukDayStart(from).toISOString(),
          to: ukDayStart(addDays(to, 1)).toISOString(),
        },
        EVENT_KINDS,
        DESK_APPROVAL_ACTIONS,
      );
      const total = new Tally();
      const byDay = new Map<string, Tally>();
      const bySite = new Map<string | null, Tally>();
      const byDaySite = new Map<string, { day: string; site: string | null; tally: Tally }>();
      for (const event of events) {
        const day = ukDay(new Date(event.at));
        const key = JSON.stringify([day, event.site]);
        const cell = byDaySite.get(key) ?? { day, site: event.site, tally: new Tally() };
        byDaySite.set(key, cell);
        for (const tally of [total, tallyOf(byDay, day), tallyOf(bySite, event.site), cell.tally]) {
          tally.add(event);
        }
      }
      const days = Array.from({ length: daysInRange(from, to) }, (_, i) => addDays(from, i));
      const siteOrder = (a: string | null, b: string | null) =>
        a === null ? 1 : b === null ? -1 : a.localeCompare(b, 'en-GB');
      return ok({
        from,
        to,
        days: days.map((day) => ({ day, ...(byDay.get(day) ?? new Tally()).result() })),
        sites: [...bySite.keys()]
          .sort(siteOrder)
          .map((site) => ({ site, ...bySite.get(site)!.result() })),
        rows: [...byDaySite.values()]
          .sort((a, b) => a.day.localeCompare(b.day) || siteOrder(a.site, b.site))
          .map(({ day, site, tally }) => ({ day, site, ...tally.result() })),
        totals: total.result(),
        minutesPerInPersonUnlock: MINUTES_PER_IN_PERSON_UNLOCK,
      } satisfies ActivityReport);
    },
  };
}

/** A median as people read it: `4 min 05 s`, or `-` when there is none. */
export function durationText(seconds: number | null): string {
  if (seconds === null) return '-';
  const minutes = Math.floor(seconds / 60);
  const rest = String(seconds % 60).padStart(2, '0');
  return minutes === 0 ? `${seconds} s` : `${minutes} min ${rest} s`;
}
