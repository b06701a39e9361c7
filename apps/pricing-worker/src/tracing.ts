// Imported first by main.ts: OpenTelemetry must be running before pg and ioredis are required,
// or their calls are not traced.
import { loadConfigOrExit } from '@fabflow/config';
import { startTracing, tracingOptions } from '@fabflow/observability';
import { workerConfigSpec } from './worker.config';

startTracing(
  tracingOptions('pricing-worker', loadConfigOrExit(workerConfigSpec, 'pricing-worker')),
);
