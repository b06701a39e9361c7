import { Redis } from 'ioredis';
import type { Logger } from '@fabflow/observability';

/** A Redis client that reconnects forever and reports (not throws) connection errors. */
export function createRedis(url: string, logger: Logger, name: string): Redis {
  const redis = new Redis(url, {
    connectionName: name,
    lazyConnect: true,
    maxRetriesPerRequest: 2,
    retryStrategy: (times) => Math.min(times * 200, 5000),
  });
  let warned = false;
  redis.on('error', (err: Error) => {
    if (!warned) logger.warn({ err: err.message }, 'Redis connection error; retrying');
    warned = true;
  });
  redis.on('ready', () => (warned = false));
  return redis;
}
