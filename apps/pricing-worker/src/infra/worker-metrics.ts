import { Counter, Gauge, Histogram } from 'prom-client';
import { PRICING_MODES, SALES_CHANNELS } from '@fabflow/contracts';
import type { Registry } from '@fabflow/observability';

/** BullMQ job states as reported (`waiting` includes prioritized jobs). */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;
export type QueueCounts = Record<(typeof QUEUE_STATES)[number], number>;

/** How a run ended: priced (ready or for review), failed for good, retried, or already done. */
export const RUN_OUTCOMES = [
  'ready',
  'needs_review',
  'failed',
  'internal_error',
  'retried',
  'skipped',
] as const;
export type RunOutcome = (typeof RUN_OUTCOMES)[number];

const ENGINE_STAGES = [
  'parse',
  'weld',
  'measure',
  'topology',
  'orientation',
  'print-time',
  'pack',
  'cost',
];

/**
 * The worker's Prometheus series (besides Node's defaults and the outbox relay's): the BullMQ
 * queue's counts, stalled jobs, job wait and duration, engine stage durations per mode, cache
 * hits and misses, and how busy the calculation threads are. Labelled series are created at
 * zero, so rates and ratios have data before the first job.
 */
export class WorkerMetrics {
  readonly stalled: Counter<'queue'>;
  readonly runs: Counter<'outcome'>;
  readonly wait: Histogram<'channel'>;
  readonly jobDuration: Histogram<'mode' | 'outcome'>;
  readonly stageDuration: Histogram<'stage' | 'mode'>;
  readonly cache: Counter<'result'>;

  constructor(
    registry: Registry,
    queue: string,
    counts: () => Promise<QueueCounts>,
    threads: () => { busy: number; size: number },
  ) {
    new Gauge({
      name: 'fabflow_pricing_queue_jobs',
      help: 'BullMQ pricing jobs by state (waiting includes prioritized), as Redis reports them.',
      labelNames: ['queue', 'state'],
      registers: [registry],
      async collect() {
        let c: QueueCounts;
        try {
          c = await counts();
        } catch {
          this.reset();
          return;
        }
        for (const state of QUEUE_STATES) this.set({ queue, state }, c[state]);
      },
    });
    this.stalled = new Counter({
      name: 'fabflow_pricing_stalled_total',
      help: 'Pricing jobs this worker found stalled (their worker died or lost its lock) and put back to run again.',
      labelNames: ['queue'],
      registers: [registry],
    });
    this.stalled.inc({ queue }, 0);
    this.runs = new Counter({
      name: 'fabflow_pricing_runs_total',
      help: 'Pricing job runs by outcome: ready, needs_review, failed (bad file or request, final), internal_error (final), retried, skipped (already finished).',
      labelNames: ['outcome'],
      registers: [registry],
    });
    for (const outcome of RUN_OUTCOMES) this.runs.inc({ outcome }, 0);
    this.wait = new Histogram({
      name: 'fabflow_pricing_job_wait_seconds',
      help: 'Time from a pricing job entering BullMQ to its first start, by channel.',
      labelNames: ['channel'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
      registers: [registry],
    });
    for (const channel of SALES_CHANNELS) this.wait.zero({ channel });
    this.jobDuration = new Histogram({
      name: 'fabflow_pricing_job_duration_seconds',
      help: 'Duration of one pricing run (S3 read, calculation, result), by mode and outcome.',
      labelNames: ['mode', 'outcome'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800],
      registers: [registry],
    });
    this.stageDuration = new Histogram({
      name: 'fabflow_pricing_stage_duration_seconds',
      help: 'Duration of each pricing-engine stage (parse, weld, …, print-time, cost), by mode.',
      labelNames: ['stage', 'mode'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800],
      registers: [registry],
    });
    for (const stage of ENGINE_STAGES)
      for (const mode of PRICING_MODES) this.stageDuration.zero({ stage, mode });
    this.cache = new Counter({
      name: 'fabflow_pricing_cache_lookups_total',
      help: 'Engine-result cache lookups by result (hit, miss).',
      labelNames: ['result'],
      registers: [registry],
    });
    this.cache.inc({ result: 'hit' }, 0);
    this.cache.inc({ result: 'miss' }, 0);
    new Gauge({
      name: 'fabflow_pricing_threads',
      help: 'Calculation threads of this worker by state (busy, idle).',
      labelNames: ['state'],
      registers: [registry],
      collect() {
        const t = threads();
        this.set({ state: 'busy' }, t.busy);
        this.set({ state: 'idle' }, t.size - t.busy);
      },
    });
  }
}
