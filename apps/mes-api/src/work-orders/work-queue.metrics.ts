import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { Registry } from '@fabflow/observability';
import { METRICS_REGISTRY } from '@fabflow/platform';
import type { CacheName } from './work-queue.keys';

const CACHES: CacheName[] = ['work_queue_list', 'work_queue_counts'];

/** The work queue's cache and live-update series (the "Dashboard cache" Grafana dashboard). */
@Injectable()
export class WorkQueueMetrics {
  readonly requests: Counter<'cache' | 'result'>;
  readonly singleflightWaits: Counter<'cache' | 'scope'>;
  readonly loadSeconds: Histogram<'cache'>;
  readonly errors: Counter<'cache'>;
  readonly invalidations: Counter;
  readonly liveEvents: Counter<'direction'>;
  readonly sseClients: Gauge;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.requests = new Counter({
      name: 'fabflow_cache_requests_total',
      help: 'Cache lookups by cache and result (hit, miss).',
      labelNames: ['cache', 'result'],
      registers: [registry],
    });
    this.singleflightWaits = new Counter({
      name: 'fabflow_cache_singleflight_waits_total',
      help: 'Misses that waited for a computation of the same entry instead of computing it: in this process, or in another instance (cluster, behind a Redis lock).',
      labelNames: ['cache', 'scope'],
      registers: [registry],
    });
    this.loadSeconds = new Histogram({
      name: 'fabflow_cache_load_seconds',
      help: 'Time to compute a missing entry from the database (its count: the computations).',
      labelNames: ['cache'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    });
    this.errors = new Counter({
      name: 'fabflow_cache_errors_total',
      help: 'Cache operations that failed (Redis unreachable); the read went to the database.',
      labelNames: ['cache'],
      registers: [registry],
    });
    this.invalidations = new Counter({
      name: 'fabflow_cache_invalidations_total',
      help: 'Work-order changes that made every cached list and count stale (generation bumps).',
      registers: [registry],
    });
    this.liveEvents = new Counter({
      name: 'fabflow_live_events_total',
      help: 'Work-order change events: published to Redis by this instance, received from Redis (by any instance) and fanned out to its SSE clients.',
      labelNames: ['direction'],
      registers: [registry],
    });
    this.sseClients = new Gauge({
      name: 'fabflow_sse_clients',
      help: 'Open live-update streams (GET /work-orders/stream) on this instance.',
      registers: [registry],
    });
    // Known label values start at 0, so rates and panels have series before the first event.
    for (const cache of CACHES) {
      for (const result of ['hit', 'miss']) this.requests.labels(cache, result).inc(0);
      for (const scope of ['process', 'cluster'])
        this.singleflightWaits.labels(cache, scope).inc(0);
      this.errors.labels(cache).inc(0);
    }
    for (const direction of ['published', 'received']) this.liveEvents.labels(direction).inc(0);
  }
}
