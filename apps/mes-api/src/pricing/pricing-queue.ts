import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { createRedis, type RedisConnectionConfig } from '@fabflow/platform';
import { PRICE_QUOTE_JOB, type PriceQuoteJobData } from '@fabflow/contracts';

export interface PricingQueueOptions {
  redis: RedisConnectionConfig;
  queue: string;
  attempts: number;
  backoffMs: number;
  keepCompleted: number;
  keepFailed: number;
}

/** BullMQ job states as the metrics report them (`waiting` includes prioritized jobs). */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;
export type QueueState = (typeof QUEUE_STATES)[number];

const DAY_SECONDS = 86_400;

/** Rejects when `p` takes longer than `ms` (a Redis that never answers must not hold the caller). */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * The MES's side of the BullMQ pricing queue: adding a quote's job and reading the queue's
 * counts. Adds fail fast while Redis is unreachable (no offline queue), so the dispatcher keeps
 * the job and retries instead of waiting with its rows locked.
 */
export class PricingQueue {
  readonly name: string;
  private readonly connection: Redis;
  private readonly queue: Queue<PriceQuoteJobData>;
  private events: { redis: Redis; events: QueueEvents } | undefined;

  constructor(private readonly opts: PricingQueueOptions) {
    this.name = opts.queue;
    // Fail-fast: reported by the dispatcher when an add fails; the client reconnects by itself.
    this.connection = createRedis(opts.redis, {
      name: 'fabflow-mes-pricing',
      profile: 'fail-fast',
      commandTimeoutMs: 5000,
    });
    this.queue = new Queue<PriceQuoteJobData>(opts.queue, { connection: this.connection });
    this.queue.on('error', () => undefined);
  }

  /**
   * Adds the job of a quote. The job id is the quote id: adding it again while BullMQ still has
   * it (a dispatcher that died between the add and marking the row) is a no-op.
   */
  async add(data: PriceQuoteJobData, priority: number): Promise<void> {
    const added = this.queue.add(PRICE_QUOTE_JOB, data, {
      jobId: data.quoteId,
      priority,
      attempts: this.opts.attempts,
      backoff: { type: 'exponential', delay: this.opts.backoffMs },
      // Results live in the MES database; BullMQ keeps only a bounded recent history.
      removeOnComplete: { count: this.opts.keepCompleted, age: DAY_SECONDS },
      removeOnFail: { count: this.opts.keepFailed, age: 7 * DAY_SECONDS },
    });
    await within(added, 5000, 'adding the pricing job to BullMQ');
  }

  /** The ids among `jobIds` BullMQ does not hold (in no state at all). */
  async missing(jobIds: string[]): Promise<string[]> {
    const states = await within(
      Promise.all(jobIds.map((id) => this.queue.getJobState(id))),
      5000,
      'reading pricing job states',
    );
    return jobIds.filter((_, i) => states[i] === 'unknown');
  }

  /** Jobs per state; `waiting` counts prioritized jobs too (BullMQ keeps those apart). */
  async counts(): Promise<Record<QueueState, number>> {
    const c = await within(
      this.queue.getJobCounts('wait', 'prioritized', 'active', 'delayed', 'failed', 'completed'),
      2000,
      'reading the pricing queue counts',
    );
    return {
      waiting: (c.wait ?? 0) + (c.prioritized ?? 0),
      active: c.active ?? 0,
      delayed: c.delayed ?? 0,
      failed: c.failed ?? 0,
      completed: c.completed ?? 0,
    };
  }

  /**
   * Calls `listener` whenever a job of the queue completes or fails (any worker, any attempt),
   * from BullMQ's event stream on a connection of its own (a blocking read). Best effort: while
   * Redis is unreachable no event arrives and the caller's poll has to do.
   */
  onJobFinished(listener: () => void): void {
    if (this.events) throw new Error('onJobFinished: already listening');
    const redis = createRedis(this.opts.redis, {
      name: 'fabflow-mes-pricing-events',
      profile: 'blocking',
    });
    const events = new QueueEvents(this.opts.queue, { connection: redis });
    events.on('error', () => undefined);
    events.on('completed', listener);
    events.on('failed', listener);
    this.events = { redis, events };
  }

  async close(): Promise<void> {
    if (this.events) {
      await this.events.events.close().catch(() => undefined);
      this.events.redis.disconnect();
    }
    await this.queue.close().catch(() => undefined);
    this.connection.disconnect();
  }
}
