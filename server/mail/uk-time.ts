/** Hours and minutes, then the date with its weekday, in the UK's time (GMT or BST). */
const UK = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hourCycle: 'h23',
  hour: '2-digit',
  minute: '2-digit',
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});

/**
 * A time as staff in the UK read it, whatever the server's own zone: "10:15 on Monday 6 July
 * 2026 (UK time)". Intl's zone data moves between GMT and BST at the clock changes.
 */
export function ukTime(at: Date): string {
  const parts = UK.formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((p) => p.type === type)?.value ?? '';
  return `${part('hour')}:${part('minute')} on ${part('weekday')} ${part('day')} ${part('month')} ${part('year')} (UK time)`;
}
