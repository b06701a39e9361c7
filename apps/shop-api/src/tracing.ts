// Imported first by main.ts: OpenTelemetry must be running before http, pg and ioredis are
// required, or their calls are not traced. Invalid configuration exits here, naming every bad
// variable (runService would report the same ones).
import { loadConfigOrExit } from '@fabflow/config';
import { startTracing, tracingOptions } from '@fabflow/observability';
import { appConfigSpec } from './app.config';

startTracing(tracingOptions('shop-api', loadConfigOrExit(appConfigSpec, 'Shop API')));
