import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { context } from '@opentelemetry/api';
import type { Kysely } from 'kysely';
import { failSpan } from '@fabflow/messaging';
import type { Logger } from '@fabflow/observability';
import { APP_CONFIG, DB, LOGGER } from '@fabflow/platform';
import type { MesConfig } from '../mes.config';
import type { MesDatabase } from '../mes.database';
import { PricingJobsRepository, type UndispatchedJob } from './pricing-jobs.repository';
import { PricingMetrics } from './pricing-metrics';
import { PricingQueue } from './pricing-queue';
import { startPricingPublishSpan } from './pricing-tracing';

const BATCH = 100;
const MAX_BACKOFF_MS = 5000;

/**
 * The one place that decides what enters the BullMQ pricing queue. Woken in-process after a
 * pricing job is committed and whenever a BullMQ job of the queue completes or fails (so a capped
 * account's next job goes as soon as a slot frees), polling as a safety net. A pass takes the
 * dispatch lock (passes of all mes-api instances run one at a time), claims the jobs not yet
 * enqueued that may go now (`claimUndispatched`: per-account caps, round-robin between accounts,
 * B2C first), adds each to BullMQ with the quote id as job id, in that order, and marks it
 * enqueued in the same transaction. An add that fails leaves the job unmarked and it is retried
 * with backoff; a dispatcher that dies after the add but before the commit re-adds it later,
 * which BullMQ ignores (same job id).
 */
@Injectable()
export class PricingDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private stopped = true;
  private loop: Promise<void> | undefined;
  private wakeUp: ((force?: boolean) => void) | undefined;
  private woken = false;
  private failures = 0;
  private listening = false;

  constructor(
    @Inject(DB) private readonly db: Kysely<MesDatabase>,
    private readonly jobs: PricingJobsRepository,
    private readonly queue: PricingQueue,
    private readonly metrics: PricingMetrics,
    @Inject(APP_CONFIG) private readonly config: MesConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    if (!this.listening) {
      this.listening = true;
      this.queue.onJobFinished(() => this.wake());
    }
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeUp?.(true);
    await this.loop;
  }

  /** A pricing job was committed, or one finished: dispatch now rather than at the next poll. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** One pass: claims, enqueues and marks up to `limit` jobs; how many were dispatched. */
  async dispatchOnce(limit = BATCH): Promise<{ dispatched: number; failed: Error | undefined }> {
    return this.db.transaction().execute(async (tx) => {
      await this.jobs.lockDispatch(tx);
      const claimed = await this.jobs.claimUndispatched(tx, limit);
      const done: string[] = [];
      let failed: Error | undefined;
      for (const job of claimed) {
        try {
          // A job already picked up (its add succeeded, the marking did not) needs no add.
          if (job.status === 'QUEUED') await this.enqueue(job);
          done.push(job.quote_id);
        } catch (err) {
          failed = err as Error;
          this.metrics.dispatchFailures.inc();
          break;
        }
      }
      await this.jobs.markEnqueued(tx, done);
      return { dispatched: done.length, failed };
    });
  }

  private async enqueue(job: UndispatchedJob): Promise<void> {
    const {
      span,
      context: ctx,
      headers,
    } = startPricingPublishSpan({
      queue: this.queue.name,
      quoteId: job.quote_id,
      channel: job.channel,
      priority: job.priority,
      parent: job.trace_context,
    });
    try {
      await context.with(ctx, () =>
        this.queue.add({ quoteId: job.quote_id, ...headers }, job.priority),
      );
      this.metrics.dispatched.inc();
    } catch (err) {
      failSpan(span, err as Error, 'enqueue-failed');
      throw err;
    } finally {
      span.end();
    }
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      this.woken = false;
      let dispatched = 0;
      let failed: Error | undefined;
      try {
        ({ dispatched, failed } = await this.dispatchOnce());
      } catch (err) {
        failed = err as Error;
      }
      if (failed) {
        this.failures += 1;
        const delay = Math.min(MAX_BACKOFF_MS, 100 * 2 ** Math.min(this.failures, 10));
        if (this.failures === 1 || this.failures % 20 === 0) {
          this.logger.warn(
            { err: failed.message, failures: this.failures, retryInMs: delay },
            'pricing dispatcher: could not enqueue; the jobs stay recorded and are retried',
          );
        }
        await this.sleep(delay, false);
        continue;
      }
      this.failures = 0;
      if (dispatched > 0)
        this.logger.debug({ dispatched }, 'pricing dispatcher: jobs added to BullMQ');
      if (dispatched === BATCH || this.woken) continue;
      await this.sleep(this.config.PRICING_DISPATCH_POLL_MS, true);
    }
  }

  private sleep(ms: number, wakeable: boolean): Promise<void> {
    return new Promise<void>((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      this.wakeUp = (force = false) => {
        if (wakeable || force || this.stopped) finish();
      };
    });
  }
}
