import { afterEach, describe, expect, it, vi } from 'vitest';
import { startPurgeSchedule } from '../../../../server/storage/purge-schedule';
import type { PurgeCounts } from '../../../../server/storage/retention';

const NONE: PurgeCounts = {
  attempts: 0,
  rateLimitWindows: 0,
  pukReleaseDays: 0,
  consoleSessions: 0,
  auditRows: null,
};

function recordingLogger() {
  const lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  return {
    lines,
    info: (fields: Record<string, unknown>, message: string) =>
      lines.push({ level: 'info', fields, message }),
    error: (fields: Record<string, unknown>, message: string) =>
      lines.push({ level: 'error', fields, message }),
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the purge schedule', () => {
  it('when started, then it purges at once and then every interval, until stopped', async () => {
    vi.useFakeTimers();
    let runs = 0;
    const logger = recordingLogger();
    const schedule = startPurgeSchedule({
      purge: () => {
        runs += 1;
        return Promise.resolve(runs === 1 ? { ...NONE, attempts: 4 } : NONE);
      },
      intervalMs: 60_000,
      logger,
    });
    await schedule.firstRun;
    expect(runs).toBe(1);
    expect(logger.lines).toEqual([
      { level: 'info', fields: { purged: { ...NONE, attempts: 4 } }, message: expect.any(String) },
    ]);
    await vi.advanceTimersByTimeAsync(60_000);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(runs).toBe(3);
    // Runs that removed nothing do not log.
    expect(logger.lines).toHaveLength(1);
    await schedule.stop();
    await vi.advanceTimersByTimeAsync(600_000);
    expect(runs).toBe(3);
  });

  it('when a purge removed only audit rows, then it is logged; when none were due, it is not', async () => {
    vi.useFakeTimers();
    const results: PurgeCounts[] = [
      { ...NONE, auditRows: 7 },
      { ...NONE, auditRows: 0 },
    ];
    const logger = recordingLogger();
    const schedule = startPurgeSchedule({
      purge: () => Promise.resolve(results.shift() ?? NONE),
      intervalMs: 1_000,
      logger,
    });
    await schedule.firstRun;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(logger.lines).toEqual([
      {
        level: 'info',
        fields: { purged: { ...NONE, auditRows: 7 } },
        message: expect.any(String),
      },
    ]);
    await schedule.stop();
  });

  it('when a purge fails, then the failure is logged and the next tick tries again', async () => {
    vi.useFakeTimers();
    let runs = 0;
    const logger = recordingLogger();
    const schedule = startPurgeSchedule({
      purge: () => {
        runs += 1;
        return runs === 1 ? Promise.reject(new Error('database gone')) : Promise.resolve(NONE);
      },
      intervalMs: 1_000,
      logger,
    });
    await schedule.firstRun;
    expect(logger.lines.map((l) => l.level)).toEqual(['error']);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(runs).toBe(2);
    await schedule.stop();
  });

  it('when a purge is slow, then ticks do not start another, and stop waits for it to finish', async () => {
    vi.useFakeTimers();
    let runs = 0;
    let finish: (counts: PurgeCounts) => void = () => {};
    const schedule = startPurgeSchedule({
      purge: () => {
        runs += 1;
        return new Promise((resolve) => {
          finish = resolve;
        });
      },
      intervalMs: 1_000,
      logger: recordingLogger(),
    });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(runs).toBe(1);
    let stopped = false;
    const stopping = schedule.stop().then(() => {
      stopped = true;
    });
    await Promise.resolve();
    expect(stopped).toBe(false);
    finish(NONE);
    await stopping;
    expect(stopped).toBe(true);
  });

  it('when running, then its timer does not keep the process alive', async () => {
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const schedule = startPurgeSchedule({
      purge: () => Promise.resolve(NONE),
      intervalMs: 3_600_000,
      logger: recordingLogger(),
    });
    await schedule.firstRun;
    const during = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    await schedule.stop();
    expect(during).toBe(before);
  });
});
