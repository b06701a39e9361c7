import type { Logger } from '@fabflow/observability';
import { ProgressThrottle, type ProgressState } from './progress-tracker';

/** BullMQ's own progress (a Redis write, for dashboards and tests) at most this often. */
const JOB_PROGRESS_EVERY_MS = 250;

export interface ProgressSinks {
  /** Writes QuoteProgressed (with the job row's new version) in one transaction. */
  event(state: ProgressState): Promise<void>;
  /** `job.updateProgress`. */
  job(state: ProgressState): Promise<void>;
}

/**
 * Sends a calculation's progress to the customer (QuoteProgressed, throttled to one per
 * interval, the newest state winning) and to BullMQ. Writes are serialised, never overlapping,
 * and a failed write is logged and skipped: progress must not fail the job.
 */
export class ProgressReporter {
  private readonly events: ProgressThrottle;
  private readonly jobs = new ProgressThrottle(JOB_PROGRESS_EVERY_MS);
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    intervalMs: number,
    private readonly sinks: ProgressSinks,
    private readonly logger: Logger,
  ) {
    this.events = new ProgressThrottle(intervalMs);
  }

  report(state: ProgressState): void {
    if (this.closed) return;
    const now = Date.now();
    const forJob = this.jobs.offer(state, now);
    if (forJob) this.write('job progress', () => this.sinks.job(forJob));
    const forEvent = this.events.offer(state, now);
    if (forEvent) this.write('QuoteProgressed', () => this.sinks.event(forEvent));
    this.schedule();
  }

  /** Stops reporting and waits for the writes in flight (before the result is written). */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.chain;
  }

  private schedule(): void {
    clearTimeout(this.timer);
    const due = [this.events.dueAt, this.jobs.dueAt].filter((d) => d !== undefined);
    if (due.length === 0) return;
    this.timer = setTimeout(
      () => {
        if (this.closed) return;
        const now = Date.now();
        const e = this.events.due(now);
        if (e) this.write('QuoteProgressed', () => this.sinks.event(e));
        const j = this.jobs.due(now);
        if (j) this.write('job progress', () => this.sinks.job(j));
        this.schedule();
      },
      Math.max(0, Math.min(...due) - Date.now()),
    );
    this.timer.unref();
  }

  private write(what: string, fn: () => Promise<void>): void {
    this.chain = this.chain.then(fn).catch((err: Error) => {
      this.logger.warn({ err: err.message }, `could not record ${what}; the job goes on`);
    });
  }
}
