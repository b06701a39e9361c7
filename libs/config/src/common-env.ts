import { z } from 'zod';
import { defineConfig } from './define-config';
import { boolFromEnv, intFromEnv, msFromEnv, urlFromEnv, urlListFromEnv } from './env-types';
import { redisEnv } from './redis-env';

/** OpenTelemetry tracing; every process (services and worker) has these. */
export const tracingEnv = defineConfig({
  OTEL_ENABLED: {
    schema: boolFromEnv.default(true),
    description:
      'Trace with OpenTelemetry (trace ids in logs, outbox rows and AMQP headers); spans leave the process only when OTEL_EXPORTER_OTLP_ENDPOINT is set.',
  },
  OTEL_EXPORTER_OTLP_ENDPOINT: {
    schema: urlFromEnv(['http:', 'https:']).optional(),
    description:
      'Base URL of an OTLP/HTTP receiver (a collector, Jaeger, Tempo); spans are POSTed as JSON to <url>/v1/traces. Unset: nothing is exported.',
  },
  OTEL_TRACES_SAMPLER_RATIO: {
    schema: z.coerce.number().min(0).max(1).default(1),
    description:
      'Share of new traces sampled (0..1); a span with a parent (incoming traceparent) follows its parent.',
  },
  OTEL_BSP_SCHEDULE_DELAY: {
    schema: msFromEnv(10, 60_000).default(5000),
    description: 'How long finished spans are batched before export.',
  },
});

/** Variables every service shares; each service adds its own and its default port. */
export const commonEnv = defineConfig({
  NODE_ENV: {
    schema: z.enum(['development', 'test', 'production']).default('development'),
    description: 'Runtime environment.',
  },
  LOG_LEVEL: {
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    description: 'Minimum log level.',
  },
  HOST: { schema: z.string().default('127.0.0.1'), description: 'Address the HTTP server binds.' },
  AMQP_URLS: {
    schema: urlListFromEnv(['amqp:', 'amqps:']).default(['amqp://guest:guest@127.0.0.1:5672']),
    description: 'Comma-separated RabbitMQ node URLs (cluster nodes are tried in turn).',
    sensitive: true,
  },
  ...redisEnv,
  OUTBOX_POLL_MS: {
    schema: msFromEnv(10, 60_000).default(500),
    description: 'Safety-net polling interval of the outbox relay (it is also woken on commit).',
  },
  AMQP_PREFETCH: {
    schema: intFromEnv(1, 1000).default(16),
    description: 'Unacknowledged deliveries per consumer.',
  },
  RETRY_DELAYS_MS: {
    schema: z
      .string()
      .regex(/^\d+(,\d+)*$/, {
        message: 'must be comma-separated milliseconds, e.g. 1000,5000,25000',
      })
      .transform((s) => s.split(',').map(Number))
      .default([1000, 5000, 25000]),
    description: 'Backoff delays before each retry of a failed message; then it goes to the DLQ.',
  },
  SHUTDOWN_TIMEOUT_MS: {
    schema: msFromEnv(100, 120_000).default(10_000),
    description: 'How long graceful shutdown waits for in-flight work.',
  },
  DOCS_ENABLED: { schema: boolFromEnv.default(true), description: 'Serve OpenAPI at /docs.' },
  METRICS_ENABLED: {
    schema: boolFromEnv.default(true),
    description:
      'Prometheus metrics: /metrics, the per-route RED histogram and Node default metrics. Off: no /metrics (404), no HTTP histogram, no default collectors.',
  },
  ...tracingEnv,
});

/** `DATABASE_URL` with a per-service default database name. */
export const databaseEnv = (defaultDb: string) =>
  defineConfig({
    DATABASE_URL: {
      schema: urlFromEnv(['postgres:', 'postgresql:']).default(
        `postgres://postgres@127.0.0.1:5432/${defaultDb}`,
      ),
      description: `PostgreSQL URL of this service's own database (created if missing).`,
      sensitive: true,
    },
  });

export const portEnv = (defaultPort: number) =>
  defineConfig({
    PORT: { schema: intFromEnv(0, 65535).default(defaultPort), description: 'HTTP port.' },
  });
