import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Logger } from '@fabflow/observability';
import { APP_CONFIG, LOGGER } from '@fabflow/platform';
import { WorkQueueKeys, type CacheName } from './work-queue.keys';
import { WorkQueueMetrics } from './work-queue.metrics';
import type { WorkQueueScripts } from './work-queue.scripts';

export const WORK_QUEUE_REDIS = Symbol('WORK_QUEUE_REDIS');

/** A computation of one entry runs at most this long under its lock before others may start. */
const LOCK_TTL_MS = 5000;
/** How long a miss waits for another instance's computation before computing it itself. */
const LOCK_WAIT_MS = 2000;
const POLL_MS = 5;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Cache-aside in Redis for work-queue pages and counts. Entries live under the current
 * generation, which every work-order change bumps (WorkOrderChanges), so all instances' entries
 * go stale at once; the TTL only bounds memory and the damage of a lost bump. Concurrent misses
 * of one entry compute it once: in this process they share one promise, across instances the
 * first takes a short Redis lock and the others poll for its result. When Redis fails, reads go
 * to the database.
 */
@Injectable()
export class WorkQueueCache {
  private readonly flights = new Map<string, Promise<unknown>>();
  private readonly ttlSeconds: number;
  private lastWarning = 0;

  constructor(
    @Inject(WORK_QUEUE_REDIS) private readonly redis: Redis & WorkQueueScripts,
    @Inject(APP_CONFIG) config: { WORK_QUEUE_CACHE_TTL_SECONDS: number },
    private readonly keys: WorkQueueKeys,
    private readonly metrics: WorkQueueMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.ttlSeconds = config.WORK_QUEUE_CACHE_TTL_SECONDS;
  }

  /**
   * The cached result of `load` for `query`, or `load`'s result, cached. `load` is told the WAL
   * position the last change left on the primary (null without replicas), for ReadRouter.
   */
  async get<T>(
    cache: CacheName,
    query: unknown,
    load: (walPosition: string | null) => Promise<T>,
  ): Promise<T> {
    const { prefix, suffix } = this.keys.entry(cache, query);
    let found: [string, string, string];
    try {
      found = await this.redis.wqLookup(
        this.keys.generation,
        this.keys.walPosition,
        prefix,
        suffix,
      );
    } catch (err) {
      this.failed(cache, err);
      return this.load(cache, () => load(null));
    }
    const [generation, wal, value] = found;
    if (value) {
      this.metrics.requests.inc({ cache, result: 'hit' });
      return JSON.parse(value) as T;
    }
    this.metrics.requests.inc({ cache, result: 'miss' });
    const key = `${prefix}${generation}${suffix}`;
    const inFlight = this.flights.get(key);
    if (inFlight) {
      this.metrics.singleflightWaits.inc({ cache, scope: 'process' });
      return inFlight as Promise<T>;
    }
    const flight = this.fill(cache, key, () => load(wal || null)).finally(() =>
      this.flights.delete(key),
    );
    this.flights.set(key, flight);
    return flight;
  }

  /** Computes and stores the entry under its lock, or waits for the instance holding it. */
  private async fill<T>(cache: CacheName, key: string, load: () => Promise<T>): Promise<T> {
    const lock = `${key}:lock`;
    const token = randomUUID();
    const deadline = Date.now() + LOCK_WAIT_MS;
    let waited = false;
    for (;;) {
      let acquired: boolean;
      try {
        acquired = (await this.redis.set(lock, token, 'PX', LOCK_TTL_MS, 'NX')) === 'OK';
      } catch (err) {
        this.failed(cache, err);
        return this.load(cache, load);
      }
      if (acquired) {
        try {
          const value = await this.load(cache, load);
          await this.redis
            .set(key, JSON.stringify(value), 'EX', this.ttlSeconds)
            .catch((err: unknown) => this.failed(cache, err));
          return value;
        } finally {
          await this.redis.wqUnlock(lock, token).catch(() => undefined);
        }
      }
      if (!waited) this.metrics.singleflightWaits.inc({ cache, scope: 'cluster' });
      waited = true;
      for (;;) {
        if (Date.now() > deadline) return this.load(cache, load); // its holder is too slow
        await sleep(POLL_MS);
        let polled: [string, number];
        try {
          polled = await this.redis.wqPoll(key, lock);
        } catch (err) {
          this.failed(cache, err);
          return this.load(cache, load);
        }
        if (polled[0]) return JSON.parse(polled[0]) as T;
        if (polled[1] === 0) break; // the holder gave up without a result: try to take over
      }
    }
  }

  private async load<T>(cache: CacheName, load: () => Promise<T>): Promise<T> {
    const end = this.metrics.loadSeconds.startTimer({ cache });
    try {
      return await load();
    } finally {
      end();
    }
  }

  private failed(cache: CacheName, err: unknown): void {
    this.metrics.errors.inc({ cache });
    if (Date.now() - this.lastWarning > 10_000) {
      this.lastWarning = Date.now();
      this.logger.warn(
        { err: (err as Error).message },
        'work-queue cache unavailable; reading the database',
      );
    }
  }
}
