import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { context } from '@opentelemetry/api';
import type { Kysely } from 'kysely';
import { WakeableLoop, type BackoffEvent, type PassOutcome } from '@fabflow/loop';
import { failSpan } from '@fabflow/messaging';
import type { Logger } from '@fabflow/observability';
import { APP_CONFIG, DB, LOGGER } from '@fabflow/platform';
import { PricingJobDispatchRepository, type UndispatchedJob } from '@fabflow/pricing-jobs';
import type { MesConfig } from '../mes.config';
import type { MesDatabase } from '../mes.database';
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
 * with backoff (the passes run in a WakeableLoop); a dispatcher that dies after the add but
 * before the commit re-adds it later, which BullMQ ignores (same job id).
 */
@Injectable()
export class PricingDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly loop: WakeableLoop;
  private listening = false;

  constructor(
    @Inject(DB) private readonly db: Kysely<MesDatabase>,
    private readonly jobs: PricingJobDispatchRepository,
    private readonly queue: PricingQueue,
    private readonly metrics: PricingMetrics,
    @Inject(APP_CONFIG) config: MesConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.loop = new WakeableLoop({
      pass: () => this.pass(),
      pollIntervalMs: config.PRICING_DISPATCH_POLL_MS,
      backoff: { maxMs: MAX_BACKOFF_MS },
      onBackoff: (event) => this.onBackoff(event),
    });
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  start(): void {
    if (!this.listening) {
      this.listening = true;
      this.queue.onJobFinished(() => this.wake());
    }
    this.loop.start();
  }

  /** Stops; resolves once the pass in progress (if any) has committed. */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** A pricing job was committed, or one finished: dispatch now rather than at the next poll. */
  wake(): void {
    this.loop.wake();
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

  private async pass(): Promise<PassOutcome> {
    const { dispatched, failed } = await this.dispatchOnce();
    // The jobs claimed before the failure went; the rest stay recorded and wait out the backoff.
    if (failed) throw failed;
    if (dispatched > 0)
      this.logger.debug({ dispatched }, 'pricing dispatcher: jobs added to BullMQ');
    return dispatched === BATCH ? 'more' : 'idle';
  }

  private onBackoff({ failures, retryInMs, error, worthReporting }: BackoffEvent): void {
    if (worthReporting)
      this.logger.warn(
        { err: error?.message, failures, retryInMs },
        'pricing dispatcher: could not enqueue; the jobs stay recorded and are retried',
      );
  }
}
