// First of all: tracing must start before anything requires http, pg or ioredis.
import './tracing';
import { Redis } from 'ioredis';
import { loadConfigOrExit, sensitiveKeys } from '@fabflow/config';
import { createDatabase } from '@fabflow/db';
import { createLogger, shutdownTracing } from '@fabflow/observability';
import { sql } from 'kysely';
import { workerConfigSpec } from './worker.config';

/**
 * The pricing worker process: connects to Redis (BullMQ's store) and the MES database and
 * waits for pricing jobs. The pricing engine and the BullMQ worker pool come with the
 * pricing issue; until then this process only proves it can start, connect and stop cleanly.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit(workerConfigSpec, 'pricing-worker');
  const logger = createLogger({
    service: 'pricing-worker',
    level: config.LOG_LEVEL,
    sensitiveKeys: sensitiveKeys(workerConfigSpec),
  });
  const redis = new Redis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: null });
  redis.on('error', (err: Error) =>
    logger.warn({ err: err.message }, 'Redis connection error; retrying'),
  );
  const database = createDatabase(config.DATABASE_URL, {
    max: 2,
    applicationName: 'fabflow-pricing-worker',
  });
  await redis.connect();
  await sql`SELECT 1`.execute(database.db);
  logger.info('pricing worker connected to Redis and the MES database; waiting for jobs');

  const keepAlive = setInterval(() => undefined, 60_000);
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'pricing worker shutting down');
    clearInterval(keepAlive);
    redis.disconnect();
    void database
      .close()
      .then(() => shutdownTracing())
      .then(() => process.exit(0));
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

void main().catch((err: unknown) => {
  process.stderr.write(`pricing-worker failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
