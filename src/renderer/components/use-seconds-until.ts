import { useEffect, useState } from 'react';

/** Whole seconds from `now` until `isoTime` (rounded up), never negative. */
export function secondsUntil(isoTime: string, now: number): number {
  const at = Date.parse(isoTime);
  return Number.isNaN(at) ? 0 : Math.max(0, Math.ceil((at - now) / 1000));
}

/** A countdown to `isoTime` that ticks once a second while it runs and stops at zero. */
export function useSecondsUntil(isoTime: string): number {
  const [now, setNow] = useState(() => Date.now());
  const remaining = secondsUntil(isoTime, now);
  const running = remaining > 0;
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [running]);
  return remaining;
}
