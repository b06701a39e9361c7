import type { FastifyInstance } from 'fastify';
import { Histogram } from 'prom-client';
import type { Registry } from '@fabflow/observability';

/** Routes that are not product traffic: probes and scrapes would drown the RED figures. */
const NOT_TRAFFIC = new Set(['/metrics', '/health/live', '/health/ready']);

/**
 * RED metrics per route: one histogram gives the rate (`_count`), the errors (`status_code`
 * 5xx) and the duration; event streams are left out (their refusals, 4xx, are not). `route` is the pattern (`/orders/:id`), never the raw URL, so the
 * series stay bounded; an unmatched URL is counted as `unmatched`.
 */
export function instrumentHttp(fastify: FastifyInstance, registry: Registry): void {
  const duration = new Histogram({
    name: 'fabflow_http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status code, with their duration.',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  fastify.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions.url ?? 'unmatched';
    // A Server-Sent Events stream lasts as long as its client watches: that is no request
    // duration, and it would make every latency figure (and the p99 alert) meaningless.
    const type = reply.raw.getHeader('content-type') ?? reply.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('text/event-stream')) return done();
    if (!NOT_TRAFFIC.has(route))
      duration.observe(
        { method: req.method, route, status_code: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
    done();
  });
}
