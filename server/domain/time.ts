/** A time `seconds` after `from`, as stored. */
export const isoAfter = (from: Date, seconds: number): string =>
  new Date(from.getTime() + seconds * 1000).toISOString();

/** The UTC day of a time, for per-day caps. */
export const utcDay = (at: Date): string => at.toISOString().slice(0, 10);
