import type { PurgeCounts } from './retention';

/** Where the schedule reports: a subset of pino's API. */
interface PurgeLogger {
  info(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** A running purge schedule. */
interface PurgeSchedule {
  /** The purge run at start (resolved once it has finished, failed or not). */
  readonly firstRun: Promise<void>;
  /** Stops the timer and waits for a purge in progress, so the database can close after it. */
  stop(): Promise<void>;
}

/**
 * Purges once now and then every `intervalMs`. The timer is unref'd (it never keeps a stopping
 * process alive), a run never overlaps the previous one, and a failed run is logged and retried
 * at the next tick rather than stopping the server.
 */
export function startPurgeSchedule(options: {
  readonly purge: () => Promise<PurgeCounts>;
  readonly intervalMs: number;
  readonly logger: PurgeLogger;
}): PurgeSchedule {
  const { purge, intervalMs, logger } = options;
  let running: Promise<void> | undefined;
  let stopped = false;
  const run = (): Promise<void> => {
    if (running !== undefined || stopped) return running ?? Promise.resolve();
    running = purge()
      .then(
        (counts) => {
          const total =
            counts.attempts +
            counts.rateLimitWindows +
            counts.pukReleaseDays +
            counts.consoleSessions +
            (counts.auditRows ?? 0);
          if (total > 0) logger.info({ purged: counts }, 'purged rows past their retention');
        },
        (error: unknown) => logger.error({ err: error }, 'the retention purge failed'),
      )
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const firstRun = run();
  const timer = setInterval(() => void run(), intervalMs);
  timer.unref();
  return {
    firstRun,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
