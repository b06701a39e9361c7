import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { uuidv7 } from '@fabflow/db';
import type { UnitOfWork } from '@fabflow/messaging';
import { createLogger, createMetricsRegistry } from '@fabflow/observability';
import { PrivateRedis, waitFor } from '@fabflow/testing';
import type { MesDatabase } from '../mes.database';
import type { ReadRouter } from '../read-replica/read-router';
import { WorkOrderChanges } from './work-order-changes';
import { LIVE_RESYNC_MESSAGE, WorkQueueKeys } from './work-queue.keys';
import { WorkQueueMetrics } from './work-queue.metrics';
import { createWorkQueueRedis } from './work-queue.redis';

/*
 * A change announced while Redis is away is not silently lost: once the work queue's client is
 * connected again, the caches are invalidated and every instance is told to resync its live
 * streams. On a redis-server of the test's own (it is stopped and started).
 */
describe('WorkOrderChanges when Redis is away (real Redis, stopped and started)', () => {
  let server: PrivateRedis;
  let redis: ReturnType<typeof createWorkQueueRedis>;
  let listener: Redis;
  let changes: WorkOrderChanges;
  const keys = new WorkQueueKeys({ DATABASE_URL: `postgres://x/${uuidv7()}` });
  const heard: string[] = [];

  before(async () => {
    server = await PrivateRedis.start();
    const logger = createLogger({
      service: 'mes-test',
      level: 'silent',
    });
    redis = createWorkQueueRedis({ REDIS_URL: server.url }, logger);
    const uow = { onCommitted: () => undefined } as unknown as UnitOfWork<MesDatabase>;
    const router = { primaryPosition: () => Promise.resolve(null) } as unknown as ReadRouter;
    changes = new WorkOrderChanges(
      redis,
      uow,
      keys,
      router,
      new WorkQueueMetrics(createMetricsRegistry('mes-test')),
      logger,
    );
    changes.onModuleInit();
    await waitFor('the work queue client ready', () => redis.status === 'ready');
  });

  after(async () => {
    redis?.disconnect();
    listener?.disconnect();
    await server?.stop();
  });

  it('invalidates the caches and tells the live streams to resync once Redis is back', async () => {
    const change = { id: uuidv7(), kind: 'status' as const, status: 'QUEUED' as const, version: 2 };
    await changes.announce([change]);
    const generation = Number(await redis.get(keys.generation));
    assert.equal(generation, 1, 'an announcement bumps the generation');

    await server.stop();
    await changes.announce([change]); // fails at once (fail-fast), and says so only in the log
    await server.startServer();
    // Subscribed at once: the client retries 200 ms after it lost the server, the listener is
    // there first. A fresh server (no persistence): the generation starts again from nothing.
    listener = new Redis(server.url);
    listener.on('message', (_channel: string, message: string) => heard.push(message));
    await listener.subscribe(keys.channel);
    await waitFor(
      'the resync on the changes channel',
      () => heard.includes(LIVE_RESYNC_MESSAGE),
      15_000,
    );
    assert.equal(Number(await redis.get(keys.generation)), 1, 'the caches invalidated');
  });
});
