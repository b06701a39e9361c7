import { commonEnv, databaseEnv, defineConfig, tracingEnv } from '@fabflow/config';

const { NODE_ENV, LOG_LEVEL, REDIS_URL, SHUTDOWN_TIMEOUT_MS } = commonEnv;

export const workerConfigSpec = defineConfig({
  NODE_ENV,
  LOG_LEVEL,
  REDIS_URL,
  SHUTDOWN_TIMEOUT_MS,
  ...tracingEnv,
  // The worker writes pricing results into the MES database (with an outbox row).
  ...databaseEnv('mes'),
});
