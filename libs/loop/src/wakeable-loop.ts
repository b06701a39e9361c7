import { backoffDelayMs, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff';

/** What one pass reports to its loop. A pass that throws has failed. */
export type PassOutcome =
  /** Caught up: the loop waits for a wake, or for the poll interval. */
  | 'idle'
  /** Did a full batch, so more may be waiting: the loop runs the next pass at once. */
  | 'more'
  /**
   * Some of the work cannot go yet (say, rows no queue is bound for): the loop backs off, but a
   * wake (new work) runs the next pass at once, so new work is not held back behind it.
   */
  | 'blocked';

/** The timer functions the loop waits with (the global ones unless a test passes fakes). */
export interface LoopTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Told of each failed or blocked pass, before the loop waits. */
export interface BackoffEvent {
  /** Consecutive failed or blocked passes, this one included. */
  failures: number;
  /** How long the loop waits before the next pass (0: it goes again at once, woken). */
  retryInMs: number;
  /** What the pass threw; undefined for a blocked pass. */
  error?: Error;
  /**
   * The first failure of a run of them, or every 20th: when to log, so an outage is reported
   * when it starts and while it lasts without a line per retry.
   */
  worthReporting: boolean;
}

export interface WakeableLoopOptions {
  /** One pass over the work: claim a batch, handle it, say how it went. */
  pass: () => Promise<PassOutcome>;
  /** The safety net: an idle loop runs a pass this often even if nobody wakes it. */
  pollIntervalMs: number;
  backoff?: Partial<BackoffPolicy>;
  /** For logging and metrics; must not throw (an error is swallowed, the loop goes on). */
  onBackoff?: (event: BackoffEvent) => void;
  timers?: LoopTimers;
  /** The source of jitter (Math.random unless a test fixes it). */
  random?: () => number;
}

type WaitKind = 'poll' | 'blocked' | 'failed';

interface Run {
  stopped: boolean;
  done: Promise<void>;
}

const GLOBAL_TIMERS: LoopTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * A background loop of passes over some work (an outbox, a queue of jobs, due deliveries) that
 * is woken in-process when new work is committed and polls as a safety net. Passes never
 * overlap. A wake during a pass makes the loop run again right after it; a pass that did a
 * full batch runs again at once; a pass that fails backs off exponentially with jitter (a wake
 * does not cut that short, `resume()` does); `stop()` lets the pass in progress finish.
 */
export class WakeableLoop {
  private run: Run | undefined;
  private pending: { kind: WaitKind; finish: () => void } | undefined;
  private woken = false;
  private resumed = false;
  private consecutiveFailures = 0;
  private readonly policy: BackoffPolicy;
  private readonly timers: LoopTimers;

  constructor(private readonly opts: WakeableLoopOptions) {
    this.policy = { ...DEFAULT_BACKOFF, ...opts.backoff };
    this.timers = opts.timers ?? GLOBAL_TIMERS;
  }

  /** Whether the loop is started and not stopping. */
  get running(): boolean {
    return this.run !== undefined && !this.run.stopped;
  }

  /** Consecutive failed or blocked passes (0 after a pass that went well, or a resume). */
  get failures(): number {
    return this.consecutiveFailures;
  }

  /** Starts the loop (its first pass at once); a no-op while it runs. */
  start(): void {
    if (this.running) return;
    // Started again while a stop is still draining: the new run begins once the old one ended.
    const previous = this.run?.done;
    const run: Run = { stopped: false, done: Promise.resolve() };
    run.done = (async () => {
      await previous;
      await this.loop(run);
    })();
    this.run = run;
  }

  /** Stops the loop: resolves once the pass in progress, if any, has finished. */
  async stop(): Promise<void> {
    const run = this.run;
    if (!run) return;
    run.stopped = true;
    this.pending?.finish();
    await run.done;
  }

  /** New work was committed: run a pass now rather than at the next poll. */
  wake(): void {
    this.woken = true;
    if (this.pending && this.pending.kind !== 'failed') this.pending.finish();
  }

  /**
   * What failed is back (the broker reconnected): forget the failures, cut any wait short —
   * a failure's backoff included — and run a pass now.
   */
  resume(): void {
    this.consecutiveFailures = 0;
    this.woken = true;
    this.resumed = true;
    this.pending?.finish();
  }

  private async loop(run: Run): Promise<void> {
    while (!run.stopped) {
      this.woken = false;
      this.resumed = false;
      const outcome = await this.passSafely();
      if (run.stopped) return;
      if (outcome === 'idle' || outcome === 'more') {
        this.consecutiveFailures = 0;
        if (outcome === 'idle' && !this.woken)
          await this.wait(run, this.opts.pollIntervalMs, 'poll');
        continue;
      }
      this.consecutiveFailures += 1;
      const error = outcome instanceof Error ? outcome : undefined;
      // Resumed during the pass, or (only for a blocked pass) woken by new work: go again now.
      const again = this.resumed || (error === undefined && this.woken);
      const retryInMs = again
        ? 0
        : backoffDelayMs(this.consecutiveFailures, this.policy, this.opts.random);
      const failures = this.consecutiveFailures;
      const worthReporting = failures === 1 || failures % 20 === 0;
      this.report({ failures, retryInMs, error, worthReporting });
      if (!again) await this.wait(run, retryInMs, error ? 'failed' : 'blocked');
    }
  }

  private async passSafely(): Promise<PassOutcome | Error> {
    try {
      return await this.opts.pass();
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  }

  private report(event: BackoffEvent): void {
    try {
      this.opts.onBackoff?.(event);
    } catch {
      // A failing log line must not stop the loop.
    }
  }

  /** Waits `ms`; `wake()` cuts a poll or blocked wait short, `stop()` and `resume()` any wait. */
  private wait(run: Run, ms: number, kind: WaitKind): Promise<void> {
    if (run.stopped) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const entry = {
        kind,
        finish: () => {
          this.timers.clearTimeout(handle);
          if (this.pending === entry) this.pending = undefined;
          resolve();
        },
      };
      const handle = this.timers.setTimeout(entry.finish, ms);
      this.pending = entry;
    });
  }
}
