// First of all: tracing must start before anything requires http, pg or ioredis.
import './tracing';
import { loadConfigOrExit, sensitiveKeys } from '@fabflow/config';
import { createLogger, shutdownTracing } from '@fabflow/observability';
import { PricingWorker } from './pricing-worker';
import { workerConfigSpec } from './worker.config';

async function main(): Promise<void> {
  const config = loadConfigOrExit(workerConfigSpec, 'pricing-worker');
  const logger = createLogger({
    service: 'pricing-worker',
    level: config.LOG_LEVEL,
    sensitiveKeys: sensitiveKeys(workerConfigSpec),
  });
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled promise rejection'));
  const worker = new PricingWorker(config, logger);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'pricing worker shutting down: finishing running jobs');
    const force = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS + 10_000);
    force.unref();
    void worker
      .stop()
      .then(() => shutdownTracing())
      .then(() => {
        logger.info('pricing worker stopped');
        process.exit(0);
      })
      .catch((err: unknown) => {
        logger.error({ err }, 'error during shutdown');
        process.exit(1);
      });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  try {
    await worker.start();
  } catch (err) {
    logger.fatal({ err }, 'pricing worker failed to start');
    process.exit(1);
  }
}

void main();
