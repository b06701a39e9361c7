import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { SALES_CHANNELS } from '@fabflow/contracts';
import type { Registry } from '@fabflow/observability';
import { METRICS_REGISTRY } from '@fabflow/platform';
import { PricingJobDispatchRepository, type OpenJobStats } from '@fabflow/pricing-jobs';
import { PricingQueue, QUEUE_STATES, type QueueState } from './pricing-queue';

/**
 * The MES's pricing series: what the dispatcher did, the unfinished jobs in the MES database
 * (read when Prometheus scrapes, so every instance reports the same and alerts take `max`), and
 * the BullMQ queue's counts, so a backlog is visible even when no worker is running.
 */
@Injectable()
export class PricingMetrics {
  readonly dispatched: Counter;
  readonly dispatchFailures: Counter;
  readonly recovered: Counter;

  constructor(
    @Inject(METRICS_REGISTRY) registry: Registry,
    jobs: PricingJobDispatchRepository,
    queue: PricingQueue,
  ) {
    this.dispatched = new Counter({
      name: 'fabflow_pricing_dispatched_total',
      help: 'Pricing jobs this instance added to BullMQ (the job id is the quote id).',
      registers: [registry],
    });
    this.dispatchFailures = new Counter({
      name: 'fabflow_pricing_dispatch_failures_total',
      help: 'Failed attempts to add a pricing job to BullMQ (Redis unreachable); the job is retried.',
      registers: [registry],
    });
    this.recovered = new Counter({
      name: 'fabflow_pricing_recovered_total',
      help: 'Pricing jobs found missing from BullMQ (Redis lost them) and added again.',
      registers: [registry],
    });
    let pending: Promise<OpenJobStats> | undefined;
    const stats = () => (pending ??= jobs.openStats().finally(() => (pending = undefined)));
    new Gauge({
      name: 'fabflow_pricing_open_jobs',
      help: 'Pricing jobs in the MES database not finished yet, by status (QUEUED, RUNNING) and channel.',
      labelNames: ['status', 'channel'],
      registers: [registry],
      async collect() {
        const s = await stats();
        for (const status of ['QUEUED', 'RUNNING'])
          for (const channel of SALES_CHANNELS) this.set({ status, channel }, 0);
        for (const o of s.open) this.set({ status: o.status, channel: o.channel }, o.n);
      },
    });
    new Gauge({
      name: 'fabflow_pricing_oldest_queued_age_seconds',
      help: 'How long the oldest pricing job not started yet has waited, by channel (0: none waiting); jobs held by their account cap are not counted.',
      labelNames: ['channel'],
      registers: [registry],
      async collect() {
        const s = await stats();
        for (const channel of SALES_CHANNELS)
          this.set({ channel }, s.oldestQueuedSeconds[channel] ?? 0);
      },
    });
    new Gauge({
      name: 'fabflow_pricing_undispatched_jobs',
      help: 'Pricing jobs recorded but not yet added to BullMQ (the dispatcher retries them).',
      registers: [registry],
      async collect() {
        this.set((await stats()).undispatched);
      },
    });
    new Gauge({
      name: 'fabflow_pricing_held_jobs',
      help: 'Pricing jobs not added to BullMQ because their B2B account has its tier cap of jobs in flight (counted in fabflow_pricing_undispatched_jobs too).',
      registers: [registry],
      async collect() {
        this.set((await stats()).heldByCap);
      },
    });
    new Gauge({
      name: 'fabflow_pricing_queue_jobs',
      help: 'BullMQ pricing jobs by state (waiting includes prioritized), as Redis reports them.',
      labelNames: ['queue', 'state'],
      registers: [registry],
      async collect() {
        let counts: Record<QueueState, number> | undefined;
        try {
          counts = await queue.counts();
        } catch {
          // Redis unreachable: no sample rather than a failed scrape of every other series.
          this.reset();
          return;
        }
        for (const state of QUEUE_STATES) this.set({ queue: queue.name, state }, counts[state]);
      },
    });
  }
}
