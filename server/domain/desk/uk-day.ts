/**
 * UK calendar dates (Europe/London, GMT or BST) as `YYYY-MM-DD`: the reports count by the day the
 * staff lived, whatever the server's own zone. The clocks change at 01:00 UTC, never at midnight.
 */

const UK_DATE = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

const HOUR_MS = 3_600_000;

/** The UK date of an instant. */
export function ukDay(at: Date): string {
  const parts = UK_DATE.formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value;
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** Whether text is a real calendar date written `YYYY-MM-DD`. */
export function isCalendarDay(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const at = new Date(`${text}T00:00:00.000Z`);
  return !Number.isNaN(at.getTime()) && at.toISOString().slice(0, 10) === text;
}

/** The date `n` days after `day` (before, for a negative `n`). */
export function addDays(day: string, n: number): string {
  const at = new Date(`${day}T00:00:00.000Z`);
  return new Date(at.getTime() + n * 24 * HOUR_MS).toISOString().slice(0, 10);
}

/** Days from `from` to `to`, both included (1 for the same day). */
export function daysInRange(from: string, to: string): number {
  const ms = Date.parse(`${to}T00:00:00.000Z`) - Date.parse(`${from}T00:00:00.000Z`);
  return Math.round(ms / (24 * HOUR_MS)) + 1;
}

/** The instant a UK date begins: 00:00 BST is 23:00 UTC the day before, 00:00 GMT is 00:00 UTC. */
export function ukDayStart(day: string): Date {
  const utcMidnight = Date.parse(`${day}T00:00:00.000Z`);
  const bst = new Date(utcMidnight - HOUR_MS);
  return ukDay(bst) === day ? bst : new Date(utcMidnight);
}
