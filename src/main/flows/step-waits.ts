// A step that waits on something outside the app (the desk's approval) works while its flow rests
// in one state, not inside an action: the runner starts it whenever the flow enters that state
// (again after a paused card comes back), and ends its sleeps when the attempt ends.

/** Resolves after `ms` milliseconds. */
export type Delay = (ms: number) => Promise<void>;

const timerDelay: Delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The one wait running, by the runner's epoch and the state it waits in. */
export class StepWaits {
  private running: { readonly epoch: number; readonly kind: string } | null = null;
  private readonly sleepers = new Set<() => void>();

  constructor(private readonly delay: Delay = timerDelay) {}

  /** Sleeps `ms`, or less when the attempt ends meanwhile (`wakeAll`). */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        this.sleepers.delete(wake);
        resolve();
      };
      this.sleepers.add(wake);
      void this.delay(ms).then(wake);
    });
  }

  /** Wakes every sleeper: the attempt ended, and their waits see it and stop. */
  wakeAll(): void {
    for (const wake of [...this.sleepers]) wake();
  }

  /** Runs `wait` unless one already waits in this state of this attempt; a throw goes to `failed`. */
  start(
    epoch: number,
    kind: string,
    wait: () => Promise<void>,
    failed: (e: unknown) => void,
  ): void {
    if (this.running?.epoch === epoch && this.running.kind === kind) return;
    const running = { epoch, kind };
    this.running = running;
    void wait()
      .catch(failed)
      .finally(() => {
        if (this.running === running) this.running = null;
      });
  }
}
