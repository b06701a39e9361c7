// Imported first by main.ts: OpenTelemetry must be running before http, pg and ioredis are
// required, or their calls are not traced. Invalid configuration exits here, naming every bad
// variable (runService would report the same ones).
import { loadConfigOrExit } from '@fabflow/config';
import { startTracing, tracingOptions } from '@fabflow/observability';
import { crmConfigSpec } from './crm.config';

startTracing(tracingOptions('crm-api', loadConfigOrExit(crmConfigSpec, 'CRM API')));
