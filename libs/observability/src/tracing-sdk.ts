// The heavy half of tracing.ts, required only when tracing starts.
import { subscribe } from 'node:diagnostics_channel';
import type { Span } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  BatchSpanProcessor,
  NoopSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_HTTP_ROUTE } from '@opentelemetry/semantic-conventions';
import type { TracingOptions } from './tracing-options';

export interface NodeTracing {
  exporting: boolean;
  shutdown(): Promise<void>;
}

const UNTRACED_PATHS = /^\/(health|metrics)(\/|\?|$)/;

/** Server spans by their raw request, so the route can name them once Fastify has matched it. */
const serverSpans = new WeakMap<object, Span>();

interface FastifyHandlerStart {
  request?: { raw?: object; method?: string };
  route?: { url?: string };
}

/**
 * The HTTP instrumentation sees only the URL; Fastify publishes the matched route on its
 * `fastify.request.handler` tracing channel. Renames the server span `POST /orders/:id/approve`
 * (HTTP semantic conventions: `{method} {http.route}`) with no hook in the app itself.
 */
function nameServerSpansByRoute(): void {
  subscribe('tracing:fastify.request.handler:start', (message) => {
    const { request, route } = message as FastifyHandlerStart;
    const span = request?.raw ? serverSpans.get(request.raw) : undefined;
    if (!span || !route?.url) return;
    span.updateName(`${request?.method ?? 'HTTP'} ${route.url}`);
    span.setAttribute(ATTR_HTTP_ROUTE, route.url);
  });
}

export function startNodeTracing(opts: TracingOptions): NodeTracing {
  const exporter = opts.otlpEndpoint
    ? new OTLPTraceExporter({
        url: `${opts.otlpEndpoint.replace(/\/+$/, '')}/v1/traces`,
        timeoutMillis: 5000,
      })
    : undefined;
  const sdk = new NodeSDK({
    serviceName: opts.serviceName,
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(opts.samplerRatio) }),
    // Without an exporter spans are still created: log lines and messages carry their ids.
    spanProcessors: [
      exporter
        ? new BatchSpanProcessor(exporter, { scheduledDelayMillis: opts.scheduleDelayMs })
        : new NoopSpanProcessor(),
    ],
    textMapPropagator: new W3CTraceContextPropagator(),
    // Traces only: an empty list keeps the SDK from setting up OTLP metrics and logs from OTEL_* defaults.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.test(req.url ?? ''),
        requestHook: (span, req) => {
          // An IncomingMessage (server side) has no setHeader; a ClientRequest has.
          if (!('setHeader' in req)) serverSpans.set(req, span);
        },
      }),
      // Outside a request or a message (relay polls, health checks) queries make no root spans.
      // No `pg-pool.connect` span per checkout: a sixth of an order's spans, near-zero long
      // (a slow checkout still shows as the gap before the transaction's BEGIN).
      new PgInstrumentation({ requireParentSpan: true, ignoreConnectSpans: true }),
      new IORedisInstrumentation({ requireParentSpan: true }),
    ],
  });
  sdk.start();
  nameServerSpansByRoute();
  return { exporting: exporter !== undefined, shutdown: () => sdk.shutdown() };
}
