import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Logger } from '@fabflow/observability';
import { APP_CONFIG, LOGGER } from '@fabflow/platform';
import { WorkQueueKeys, type CacheName } from './work-queue.keys';
import { WorkQueueMetrics } from './work-queue.metrics';
import { WORK_QUEUE_REDIS } from './work-queue.redis';
import type { WorkQueueScripts } from './work-queue.scripts';

/** A computation of one entry holds its lock at most this long before others may start. */
const LOCK_TTL_MS = 5000;
/** How long a miss waits for another instance's computation before computing it itself. */
const LOCK_WAIT_MS = 2000;
const POLL_MS = 5;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Cache-aside in Redis for work-queue pages and counts, kept as the JSON text they are sent
 * as (a hit is one Redis round trip and no re-serialisation). Entries live under the current
 * generation, which every work-order change bumps (WorkOrderChanges), so all instances'
 * entries go stale at once; the TTL only bounds memory and the damage of a lost bump.
 *
 * Concurrent misses of one entry compute it once: the lookup that misses also tries to take
 * the entry's lock (same round trip); in this process the others share the holder's promise,
 * in other instances they poll until the entry appears. When Redis fails, reads go to the
 * database.
 */
@Injectable()
export class WorkQueueCache {
  private readonly flights = new Map<string, Promise<string>>();
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
   * The JSON of `load()`'s result for `query`, from the cache or computed and cached. `load` is
   * told the WAL position the last change left on the primary (null without replicas), for
   * ReadRouter.
   */
  async get(
    cache: CacheName,
    query: unknown,
    load: (walPosition: string | null) => Promise<unknown>,
  ): Promise<string> {
    const { prefix, suffix } = this.keys.entry(cache, query);
    const token = randomUUID();
    let found: [string, string, string, number];
    try {
      found = await this.redis.wqLookup(
        this.keys.generation,
        this.keys.walPosition,
        prefix,
        suffix,
        token,
        LOCK_TTL_MS,
      );
    } catch (err) {
      this.failed(cache, err);
      return this.load(cache, () => load(null));
    }
    const [generation, wal, value, locked] = found;
    if (value) {
      this.metrics.requests.inc({ cache, result: 'hit' });
      return value;
    }
    this.metrics.requests.inc({ cache, result: 'miss' });
    const key = `${prefix}${generation}${suffix}`;
    const compute = () => load(wal || null);
    if (locked === 1) return this.track(key, this.computeLocked(cache, key, token, compute));
    const inFlight = this.flights.get(key);
    if (inFlight) {
      this.metrics.singleflightWaits.inc({ cache, scope: 'process' });
      return inFlight;
    }
    return this.track(key, this.awaitOther(cache, key, token, compute));
  }

  /** Makes the other misses of this process wait for `flight` instead of asking Redis again. */
  private track(key: string, flight: Promise<string>): Promise<string> {
    if (!this.flights.has(key)) {
      this.flights.set(key, flight);
      void flight
        .catch(() => undefined)
        .finally(() => {
          if (this.flights.get(key) === flight) this.flights.delete(key);
        });
    }
    return flight;
  }

  /** Computes under the lock we hold; stores the entry and releases the lock in one round trip. */
  private async computeLocked(
    cache: CacheName,
    key: string,
    token: string,
    load: () => Promise<unknown>,
  ): Promise<string> {
    const lock = `${key}:lock`;
    let value: string;
    try {
      value = await this.load(cache, load);
    } catch (err) {
      await this.redis.wqUnlock(lock, token).catch(() => undefined);
      throw err;
    }
    // Stored before answering, so whoever asks next (on any instance) finds it.
    await this.redis
      .wqStore(key, lock, value, this.ttlSeconds, token)
      .catch((err: unknown) => this.failed(cache, err));
    return value;
  }

  /** Another instance holds the lock: wait for its entry, or take over if it gives up. */
  private async awaitOther(
    cache: CacheName,
    key: string,
    token: string,
    load: () => Promise<unknown>,
  ): Promise<string> {
    this.metrics.singleflightWaits.inc({ cache, scope: 'cluster' });
    const lock = `${key}:lock`;
    const deadline = Date.now() + LOCK_WAIT_MS;
    // Until its holder is too slow: then compute without waiting any longer.
    while (Date.now() < deadline) {
      await sleep(POLL_MS);
      let value: string;
      let acquired = false;
      try {
        let held: number;
        [value, held] = await this.redis.wqPoll(key, lock);
        if (!value && held === 0)
          acquired = (await this.redis.set(lock, token, 'PX', LOCK_TTL_MS, 'NX')) === 'OK';
      } catch (err) {
        this.failed(cache, err);
        break;
      }
      if (value) return value;
      if (acquired) return this.computeLocked(cache, key, token, load); // it gave up: take over
    }
    return this.load(cache, load);
  }

  private async load(cache: CacheName, load: () => Promise<unknown>): Promise<string> {
    const end = this.metrics.loadSeconds.startTimer({ cache });
    try {
      return JSON.stringify(await load());
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
