import { commonEnv, databaseEnv, defineConfig } from '@fabflow/config';

const { NODE_ENV, LOG_LEVEL, REDIS_URL, SHUTDOWN_TIMEOUT_MS } = commonEnv;

export const workerConfigSpec = defineConfig({
  NODE_ENV,
  LOG_LEVEL,
  REDIS_URL,
  SHUTDOWN_TIMEOUT_MS,
  // The worker writes pricing results into the MES database (with an outbox row).
  ...databaseEnv('mes'),
});
