import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Logger } from '@fabflow/observability';
import { createRedis, type RedisConnectionConfig } from '@fabflow/platform';
import { withWorkQueueScripts, type WorkQueueScripts } from './work-queue.scripts';

export const WORK_QUEUE_REDIS = Symbol('WORK_QUEUE_REDIS');

/**
 * The work queue's own Redis client (cache lookups, invalidations, live-update publishes),
 * fail-fast: while Redis is down or failing over a lookup fails at once and the dashboard reads
 * the database, instead of waiting for a reconnect queued behind other commands.
 */
export function createWorkQueueRedis(
  config: RedisConnectionConfig,
  logger: Logger,
): Redis & WorkQueueScripts {
  return withWorkQueueScripts(
    createRedis(config, {
      name: 'fabflow-mes-work-queue',
      profile: 'fail-fast',
      commandTimeoutMs: 1000,
      logger,
    }),
  );
}

@Injectable()
export class WorkQueueRedisLifecycle implements OnApplicationShutdown {
  constructor(@Inject(WORK_QUEUE_REDIS) private readonly redis: Redis) {}

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}
