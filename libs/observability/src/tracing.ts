import type { TracingOptions } from './tracing-options';
import type { NodeTracing } from './tracing-sdk';

export type { TracingOptions } from './tracing-options';

/** The `tracingEnv` variables of `@fabflow/config`, as loaded. */
export interface TracingConfig {
  OTEL_ENABLED: boolean;
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  OTEL_TRACES_SAMPLER_RATIO: number;
  OTEL_BSP_SCHEDULE_DELAY: number;
}

export function tracingOptions(serviceName: string, config: TracingConfig): TracingOptions {
  return {
    serviceName,
    enabled: config.OTEL_ENABLED,
    otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
    samplerRatio: config.OTEL_TRACES_SAMPLER_RATIO,
    scheduleDelayMs: config.OTEL_BSP_SCHEDULE_DELAY,
  };
}

let running: NodeTracing | undefined;

/**
 * Starts the OpenTelemetry NodeSDK for this process: HTTP (server spans named by route), pg and
 * ioredis instrumentations, W3C trace context, ParentBased(TraceIdRatio) sampling and, when an
 * endpoint is set, a batching OTLP/HTTP exporter. Call it before http, pg or ioredis are
 * required (the first import of an entry point), or their calls are not traced. Idempotent.
 */
export function startTracing(opts: TracingOptions): void {
  if (running || !opts.enabled) return;
  // Loaded here rather than imported at the top: the SDK takes about half a second to load, which
  // every user of this library (CLI, unit tests) would otherwise pay whether it traces or not.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = require('./tracing-sdk') as typeof import('./tracing-sdk');
  running = sdk.startNodeTracing(opts);
}

/** Whether spans are exported (for a boot log line). */
export function tracingState(): 'off' | 'local' | 'exporting' {
  if (!running) return 'off';
  return running.exporting ? 'exporting' : 'local';
}

/**
 * Ends tracing: exports the spans still batched, waiting at most `timeoutMs` (an unreachable
 * receiver must not hold up shutdown). Call it last on the shutdown path.
 */
export async function shutdownTracing(timeoutMs = 3000): Promise<void> {
  const r = running;
  running = undefined;
  if (!r) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    r.shutdown().catch(() => undefined),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
  ]);
  clearTimeout(timer);
}
