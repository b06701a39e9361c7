import {
  commonEnv,
  databaseEnv,
  defineConfig,
  intFromEnv,
  msFromEnv,
  pricingQueueEnv,
  redisEnv,
  storageEnv,
  tracingEnv,
  type ConfigOf,
} from '@fabflow/config';

const { NODE_ENV, LOG_LEVEL, HOST, AMQP_URLS, OUTBOX_POLL_MS, SHUTDOWN_TIMEOUT_MS } = commonEnv;

export const pricingWorkerEnv = defineConfig({
  ...pricingQueueEnv,
  PRICING_CONCURRENCY: {
    schema: intFromEnv(1, 64).default(2),
    description:
      'Pricing jobs this process runs at once; each runs in its own worker thread (one thread per job).',
  },
  PRICING_TIMEOUT_MS: {
    schema: msFromEnv(1000, 24 * 3_600_000).default(30 * 60_000),
    description:
      'Longest calculation: its thread is terminated and the quote FAILED with code TIMEOUT (not retried).',
  },
  PRICING_FIRM_ABOVE_BYTES: {
    schema: intFromEnv(0, Number.MAX_SAFE_INTEGER).default(64 * 1024 ** 2),
    description:
      'Files larger than this are priced FIRM (slicing) even when an indicative price was asked for.',
  },
  PRICING_FIRM_ABOVE_CENTS: {
    schema: intFromEnv(0, Number.MAX_SAFE_INTEGER).default(50_000),
    description:
      'Quotes whose indicative total is above this (minor units) are priced FIRM before they are offered.',
  },
  QUOTE_VALIDITY_DAYS: {
    schema: intFromEnv(1, 365).default(14),
    description: 'How long a price stays valid (QuotePriced.validUntil).',
  },
  WORKER_METRICS_PORT: {
    schema: intFromEnv(0, 65535).default(9464),
    description: 'Port of the worker’s /metrics, /health/live and /health/ready (bound to HOST).',
  },
  PRICING_LOCK_DURATION_MS: {
    schema: msFromEnv(1000, 600_000).default(30_000),
    description:
      'BullMQ job lock, renewed while the job runs; a killed worker’s job is recovered once it lapses.',
  },
  PRICING_STALLED_INTERVAL_MS: {
    schema: msFromEnv(500, 600_000).default(30_000),
    description: 'How often this worker looks for stalled jobs (lock lapsed) and puts them back.',
  },
  PRICING_MAX_STALLED_COUNT: {
    schema: intFromEnv(0, 100).default(2),
    description:
      'Recoveries of one job from a dead worker before it fails (a file that crashes workers is not retried forever).',
  },
  PRICING_PROGRESS_INTERVAL_MS: {
    schema: msFromEnv(100, 60_000).default(1000),
    description: 'At most one QuoteProgressed event per job per interval (stage changes included).',
  },
  PRICING_THREAD_MAX_HEAP_MB: {
    schema: intFromEnv(64, 65_536).default(4096),
    description:
      'Heap limit of a calculation thread; a model needing more fails with TOO_COMPLEX instead of taking the process down.',
  },
  PRICING_CACHE_TTL_DAYS: {
    schema: intFromEnv(1, 3650).default(30),
    description: 'Engine results unused for this long are removed from the result cache.',
  },
});

export const workerConfigSpec = defineConfig({
  NODE_ENV,
  LOG_LEVEL,
  HOST,
  AMQP_URLS,
  ...redisEnv,
  OUTBOX_POLL_MS,
  SHUTDOWN_TIMEOUT_MS,
  ...tracingEnv,
  // The worker writes pricing results into the MES database (with an outbox row).
  ...databaseEnv('mes'),
  ...storageEnv,
  ...pricingWorkerEnv,
});

export type WorkerConfig = ConfigOf<typeof workerConfigSpec>;
