import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Logger } from '@fabflow/observability';
import { PricingJobDispatchRepository, type EnqueuedJobCursor } from '@fabflow/pricing-jobs';
import { APP_CONFIG, LOGGER } from '@fabflow/platform';
import type { MesConfig } from '../mes.config';
import { PricingDispatcher } from './pricing-dispatcher';
import { PricingMetrics } from './pricing-metrics';
import { PricingQueue } from './pricing-queue';

const BATCH = 200;

/**
 * The MES database, not Redis, is where a pricing job is recorded: BullMQ only carries it to a
 * worker. Redis replicates asynchronously and may be restarted, so a job added just before a
 * primary dies (or the whole of Redis restarts without the write on disk) can vanish. Every
 * PRICING_RECOVERY_MS this compares the jobs enqueued at least that long ago and not started
 * with what BullMQ holds, and makes the missing ones undispatched again: the dispatcher adds
 * them anew (same job id). A job priced twice is impossible (the worker's start and finish are
 * conditional on the job's state in the database), so a false alarm costs one extra run at most.
 * While Redis cannot be read, a pass does nothing.
 */
@Injectable()
export class PricingJobRecovery implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  /** The last job of the previous page: a long queue is checked a page per pass, in turn. */
  private cursor: EnqueuedJobCursor | undefined;

  constructor(
    private readonly jobs: PricingJobDispatchRepository,
    private readonly queue: PricingQueue,
    private readonly dispatcher: PricingDispatcher,
    private readonly metrics: PricingMetrics,
    @Inject(APP_CONFIG) private readonly config: MesConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.recoverOnce()
        .then(() => undefined)
        .catch((err: Error) =>
          this.logger.debug({ err: err.message }, 'pricing recovery: pass skipped'),
        )
        .finally(() => (this.running = undefined));
    }, this.config.PRICING_RECOVERY_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass over a page of jobs; how many were found missing and made undispatched. */
  async recoverOnce(): Promise<number> {
    const page = await this.jobs.enqueuedNotStarted(
      this.config.PRICING_RECOVERY_MS,
      this.cursor,
      BATCH,
    );
    // The next pass goes on after this page, or starts over after the last one.
    this.cursor = page.length === BATCH ? page[page.length - 1] : undefined;
    if (page.length === 0) return 0;
    const missing = await this.queue.missing(page.map((j) => j.quote_id));
    const reset = await this.jobs.markUndispatched(missing);
    if (reset > 0) {
      this.metrics.recovered.inc(reset);
      this.logger.warn(
        { jobs: reset, quoteIds: missing.slice(0, 20) },
        'pricing jobs missing from BullMQ (lost by Redis); adding them again',
      );
      this.dispatcher.wake();
    }
    return reset;
  }
}
