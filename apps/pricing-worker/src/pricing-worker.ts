import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { sql } from 'kysely';
import { EVENT_CATALOGUE, PRICING_JOB_NAMES } from '@fabflow/contracts';
import { createDatabase, type Database } from '@fabflow/db';
import { MessagingRuntime } from '@fabflow/messaging';
import {
  createMetricsRegistry,
  ReadinessLog,
  type Logger,
  type Registry,
} from '@fabflow/observability';
import { createRedis } from '@fabflow/platform';
import { PricingJobRunRepository } from '@fabflow/pricing-jobs';
import { ObjectStorage } from '@fabflow/storage';
import { EnginePool } from './engine/engine-pool';
import { WorkerHttpServer } from './infra/http-server';
import { PricingContextRepository } from './infra/pricing-context.repository';
import { ResultsCacheRepository } from './infra/results-cache.repository';
import { WorkerMetrics, type QueueCounts } from './infra/worker-metrics';
import { JobHandlerRegistry } from './jobs/job-handler-registry';
import { PriceQuoteProcessor } from './jobs/price-quote.processor';
import { internalFailure } from './jobs/pricing-failure';
import { QuoteEventWriter } from './jobs/quote-event-writer';
import type { WorkerConfig } from './worker.config';
import type { WorkerDatabase } from './worker.database';

const HOUR_MS = 3_600_000;

/**
 * The pricing worker process: a BullMQ worker on the pricing queue (PRICING_CONCURRENCY jobs at
 * once, each calculated in its own worker thread), a publish-only messaging runtime for the
 * MES outbox rows it writes, and an HTTP port for /metrics and health.
 */
export class PricingWorker {
  private database!: Database<WorkerDatabase>;
  private runtime!: MessagingRuntime<WorkerDatabase>;
  private pool!: EnginePool;
  private worker: Worker | undefined;
  private queue!: Queue;
  private redis!: Redis;
  private queueRedis!: Redis;
  private http!: WorkerHttpServer;
  private readonly storages = new Map<string, ObjectStorage>();
  private expiry: NodeJS.Timeout | undefined;
  private stopping = false;
  /** The port /metrics listens on (WORKER_METRICS_PORT, or the one picked for 0). */
  port = 0;

  constructor(
    private readonly config: WorkerConfig,
    private readonly logger: Logger,
  ) {}

  /** Starts every part in dependency order; the worker takes jobs once all are up. */
  async start(): Promise<void> {
    const registry = createMetricsRegistry('pricing-worker');
    await this.openDatabase();
    await this.startMessaging(registry);
    this.pool = new EnginePool({
      size: this.config.PRICING_CONCURRENCY,
      maxHeapMb: this.config.PRICING_THREAD_MAX_HEAP_MB,
      logger: this.logger,
    });
    this.connectRedis();
    const metrics = new WorkerMetrics(
      registry,
      this.config.PRICING_QUEUE,
      () => this.counts(),
      () => ({ busy: this.pool.busy, size: this.pool.size }),
    );
    const { handlers, events, cache } = this.jobHandlers(metrics);
    await this.startHttp(registry);
    await this.startBullWorker(handlers, metrics, events);
    this.scheduleCacheExpiry(cache);
    this.logger.info(
      {
        queue: this.config.PRICING_QUEUE,
        concurrency: this.config.PRICING_CONCURRENCY,
        metrics: `http://${this.config.HOST}:${this.port}/metrics`,
      },
      'pricing worker running',
    );
  }

  private async openDatabase(): Promise<void> {
    const { config, logger } = this;
    this.database = createDatabase<WorkerDatabase>(config.DATABASE_URL, {
      max: config.PRICING_CONCURRENCY * 2 + 4,
      applicationName: 'fabflow-pricing-worker',
      onError: (err) => logger.warn({ err: err.message }, 'database connection error'),
    });
    await this.waitForSchema();
  }

  /** A publish-only runtime: the worker's outbox rows are the MES's events. */
  private async startMessaging(registry: Registry): Promise<void> {
    this.runtime = new MessagingRuntime<WorkerDatabase>({
      // Its events are the MES's: same source, same exchange, same outbox.
      service: 'mes',
      urls: this.config.AMQP_URLS,
      db: this.database.db,
      logger: this.logger,
      catalogue: EVENT_CATALOGUE,
      outboxPollMs: this.config.OUTBOX_POLL_MS,
      prefetch: 1,
      retryDelaysMs: [],
      metricsRegistry: registry,
    });
    await this.runtime.start();
  }

  /** BullMQ's connection (blocking commands wait out a Redis restart) and one for metrics. */
  private connectRedis(): void {
    const { config, logger } = this;
    // BullMQ's blocking commands must wait out a Redis restart or failover, not fail.
    this.redis = createRedis(config, {
      name: 'fabflow-pricing-worker',
      profile: 'blocking',
      logger,
    });
    // The queue counts of /metrics and the health check: fail at once while Redis is away.
    this.queueRedis = createRedis(config, {
      name: 'fabflow-pricing-worker-metrics',
      profile: 'fail-fast',
      commandTimeoutMs: 2000,
      logger,
    });
    this.queue = new Queue(config.PRICING_QUEUE, { connection: this.queueRedis });
    this.queue.on('error', () => undefined);
  }

  /** The job handlers (one: PriceQuote) with what they write through. */
  private jobHandlers(metrics: WorkerMetrics) {
    const { config, logger } = this;
    const db = this.database.db;
    const jobs = new PricingJobRunRepository(db);
    const cache = new ResultsCacheRepository(db);
    const events = new QuoteEventWriter(this.runtime.unitOfWork, jobs, config.QUOTE_VALIDITY_DAYS);
    const processor = new PriceQuoteProcessor({
      config,
      jobs,
      pricingContext: new PricingContextRepository(db),
      cache,
      storage: (bucket) => this.storage(bucket),
      pool: this.pool,
      events,
      metrics,
      logger,
    });
    return { handlers: new JobHandlerRegistry([processor], PRICING_JOB_NAMES), events, cache };
  }

  /** /metrics and the health checks: database, Redis, RabbitMQ, and the BullMQ worker running. */
  private async startHttp(registry: Registry): Promise<void> {
    const db = this.database.db;
    this.http = new WorkerHttpServer(
      registry,
      [
        { name: 'database', check: async () => void (await sql`SELECT 1`.execute(db)) },
        {
          name: 'redis',
          check: async () => {
            if ((await this.queueRedis.ping()) !== 'PONG') throw new Error('unexpected PING reply');
          },
        },
        {
          name: 'rabbitmq',
          check: () =>
            this.runtime.connection.connected
              ? Promise.resolve()
              : Promise.reject(new Error('not connected')),
        },
        {
          name: 'worker',
          check: () =>
            this.worker?.isRunning() && !this.stopping
              ? Promise.resolve()
              : Promise.reject(new Error(this.stopping ? 'shutting down' : 'not running yet')),
        },
      ],
      new ReadinessLog(this.logger),
    );
    this.port = await this.http.listen(this.config.WORKER_METRICS_PORT, this.config.HOST);
  }

  /** The BullMQ worker on the pricing queue; resolves once it takes jobs. */
  private async startBullWorker(
    handlers: JobHandlerRegistry,
    metrics: WorkerMetrics,
    events: QuoteEventWriter,
  ): Promise<void> {
    const { config, logger } = this;
    // Three parameters: BullMQ then passes an AbortSignal, aborted when the job's lock is lost.
    const processJob = (job: Job, token?: string, signal?: AbortSignal) => {
      const handler = handlers.get(job.name);
      if (!handler) throw new UnrecoverableError(`no handler for job name ${job.name}`);
      return handler.process(job, token, signal);
    };
    this.worker = new Worker(config.PRICING_QUEUE, processJob, {
      connection: this.redis,
      concurrency: config.PRICING_CONCURRENCY,
      lockDuration: config.PRICING_LOCK_DURATION_MS,
      stalledInterval: config.PRICING_STALLED_INTERVAL_MS,
      maxStalledCount: config.PRICING_MAX_STALLED_COUNT,
      // The dispatcher sets bounded retention per job; this bounds jobs added without it.
      removeOnComplete: { count: 1000, age: 86_400 },
      removeOnFail: { count: 5000, age: 7 * 86_400 },
    });
    this.worker.on('error', (err) => logger.warn({ err: err.message }, 'BullMQ worker error'));
    this.worker.on('stalled', (jobId) => {
      metrics.stalled.inc({ queue: config.PRICING_QUEUE });
      logger.warn(
        { jobId },
        'pricing job stalled (its worker died or lost the lock); running it again',
      );
    });
    this.worker.on('failed', (job, err) => this.onFailedByBull(job, err, events));
    await this.worker.waitUntilReady();
  }

  /**
   * A job failed for good by BullMQ itself (stalled too often) never reached the processor's
   * own failure handling; its quote is failed here. Idempotent: a quote already finished is left.
   */
  private onFailedByBull(job: Job | undefined, err: Error, events: QuoteEventWriter): void {
    if (!job?.id) return;
    const final =
      err instanceof UnrecoverableError ||
      err.name === 'UnrecoverableError' ||
      job.attemptsMade >= (job.opts.attempts ?? 1);
    if (!final) return;
    const { logger } = this;
    void events
      .failed(job.id, internalFailure.code, internalFailure.reason)
      .then((changed) => {
        if (changed)
          logger.error(
            { jobId: job.id, err: err.message },
            'pricing job failed by BullMQ; quote FAILED (INTERNAL)',
          );
      })
      .catch((e: Error) =>
        logger.error({ jobId: job.id, err: e.message }, 'could not fail the quote'),
      );
  }

  /** Removes cached engine results past PRICING_CACHE_TTL_DAYS, hourly. */
  private scheduleCacheExpiry(cache: ResultsCacheRepository): void {
    const { config, logger } = this;
    this.expiry = setInterval(() => {
      cache
        .expire(config.PRICING_CACHE_TTL_DAYS)
        .then((n) => n > 0 && logger.info({ removed: n }, 'expired cached engine results'))
        .catch((err: Error) => logger.warn({ err: err.message }, 'cache expiry failed'));
    }, HOUR_MS);
    this.expiry.unref();
  }

  /**
   * Stops taking jobs and lets the running ones finish, for at most SHUTDOWN_TIMEOUT_MS; a job
   * still running then is left to BullMQ's stalled-job recovery (another worker runs it again).
   */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.expiry);
    const timeout = this.config.SHUTDOWN_TIMEOUT_MS;
    if (this.worker) {
      const closed = this.worker.close().then(() => true);
      const timedOut = new Promise<false>((r) => setTimeout(() => r(false), timeout).unref());
      if (!(await Promise.race([closed, timedOut]))) {
        // Tearing down now would fail those jobs' calculations (and, on a last attempt, their
        // quotes). Leaving them to the process exit instead lets their locks lapse: another
        // worker runs them again, and a job that had finished publishes nothing twice.
        this.logger.warn(
          { timeoutMs: timeout },
          'running pricing jobs did not finish in time; they will be recovered as stalled',
        );
        return;
      }
    }
    await this.pool?.close();
    await this.runtime?.stop(timeout);
    await this.queue?.close().catch(() => undefined);
    this.redis?.disconnect();
    this.queueRedis?.disconnect();
    for (const s of this.storages.values()) s.close();
    await this.http?.close();
    await this.database?.close();
  }

  private storage(bucket: string): ObjectStorage {
    let s = this.storages.get(bucket);
    if (!s) {
      s = new ObjectStorage({ ...this.config, S3_BUCKET: bucket });
      this.storages.set(bucket, s);
    }
    return s;
  }

  private async counts(): Promise<QueueCounts> {
    let timer: NodeJS.Timeout | undefined;
    const c = await Promise.race([
      this.queue.getJobCounts('wait', 'prioritized', 'active', 'delayed', 'failed', 'completed'),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('queue counts timed out')), 2000);
      }),
    ]).finally(() => clearTimeout(timer));
    return {
      waiting: (c.wait ?? 0) + (c.prioritized ?? 0),
      active: c.active ?? 0,
      delayed: c.delayed ?? 0,
      failed: c.failed ?? 0,
      completed: c.completed ?? 0,
    };
  }

  /** The MES creates and migrates its database; the worker waits until the tables are there. */
  private async waitForSchema(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await sql`SELECT 1 FROM pricing_jobs, pricing_results_cache, outbox LIMIT 0`.execute(
          this.database.db,
        );
        return;
      } catch (err) {
        if (attempt === 1 || attempt % 10 === 0) {
          this.logger.warn(
            { err: (err as Error).message, attempt },
            'waiting for the MES database and its migrations (mes-api applies them)',
          );
        }
        await new Promise((r) => setTimeout(r, Math.min(2000, 200 * attempt)));
      }
    }
  }
}
