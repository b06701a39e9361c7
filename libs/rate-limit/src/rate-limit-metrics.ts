import { Counter, Gauge } from 'prom-client';
import type { Registry } from '@fabflow/observability';

export interface RateLimitMetrics {
  decisions: Counter<'policy' | 'outcome' | 'mode'>;
  degraded: Gauge;
  redisErrors: Counter;
}

/** The limiter's series on the service's /metrics registry. */
export function createRateLimitMetrics(registry: Registry): RateLimitMetrics {
  return {
    decisions: new Counter({
      name: 'fabflow_rate_limit_decisions_total',
      help: 'Rate-limit decisions by policy, outcome (allowed, limited) and mode (redis, degraded: the per-instance fallback while Redis is unreachable).',
      labelNames: ['policy', 'outcome', 'mode'],
      registers: [registry],
    }),
    degraded: new Gauge({
      name: 'fabflow_rate_limit_degraded',
      help: '1 while this instance limits on its own (Redis unreachable: rate ÷ RATE_LIMIT_INSTANCES), else 0.',
      registers: [registry],
    }),
    redisErrors: new Counter({
      name: 'fabflow_rate_limit_redis_errors_total',
      help: 'Rate-limiter calls to Redis that failed (connection refused, timeout, script error).',
      registers: [registry],
    }),
  };
}
