import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Logger } from '@fabflow/observability';
import { APP_CONFIG, LOGGER, REDIS } from '@fabflow/platform';
import type { ShopB2bConfig } from '../b2b.config';
import { ApiKeyProjectionRepository, type ProjectedKey } from './api-key-projection.repository';

/** Redis channel of projection changes: every instance drops what it cached. */
export const KEY_INVALIDATION_CHANNEL = 'fabflow:b2b:keys:invalidate';
const ALL = '*';

/**
 * Verified keys (and unknown prefixes) cached per instance for at most B2B_KEY_CACHE_TTL_MS,
 * so a B2B request needs no database round trip. A projection change is also published on a
 * Redis channel, which drops the entry on every instance at once; the TTL bounds staleness
 * even when Redis is down. Concurrent misses of one prefix share one query.
 */
@Injectable()
export class ApiKeyCache implements OnModuleInit, OnApplicationShutdown {
  private readonly entries = new Map<string, { value: ProjectedKey | null; until: number }>();
  private readonly loading = new Map<string, Promise<ProjectedKey | null>>();
  private subscriber: Redis | undefined;

  constructor(
    private readonly repo: ApiKeyProjectionRepository,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: ShopB2bConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async get(prefix: string): Promise<ProjectedKey | null> {
    const hit = this.entries.get(prefix);
    if (hit && hit.until > Date.now()) return hit.value;
    const pending = this.loading.get(prefix);
    if (pending) return pending;
    const load = this.repo
      .findByPrefix(prefix)
      .then((value) => {
        const ttl = this.config.B2B_KEY_CACHE_TTL_MS;
        if (ttl > 0) {
          if (this.entries.size > 50_000) this.entries.clear();
          this.entries.set(prefix, { value: value ?? null, until: Date.now() + ttl });
        }
        return value ?? null;
      })
      .finally(() => this.loading.delete(prefix));
    this.loading.set(prefix, load);
    return load;
  }

  /**
   * Tells every instance to forget `prefix` (or everything): called by the projection's
   * handlers. Published a moment later, after the handler's transaction has committed, so a
   * reload sees the new row; the TTL covers a lost message.
   */
  invalidateSoon(prefix: string = ALL): void {
    setTimeout(() => {
      this.drop(prefix);
      this.redis.publish(KEY_INVALIDATION_CHANNEL, prefix).catch((err: Error) => {
        this.logger.warn({ err: err.message }, 'could not publish an API-key cache invalidation');
      });
    }, 250).unref();
  }

  onModuleInit(): void {
    // Not awaited: a Redis outage at boot must not hold the service; ioredis resubscribes.
    const sub = this.redis.duplicate();
    this.subscriber = sub;
    sub.on('message', (_channel: string, prefix: string) => this.drop(prefix));
    sub.on('error', () => undefined);
    sub.subscribe(KEY_INVALIDATION_CHANNEL).catch((err: Error) => {
      this.logger.warn(
        { err: err.message },
        'API-key invalidations not subscribed yet; the cache TTL bounds staleness',
      );
    });
  }

  onApplicationShutdown(): void {
    this.subscriber?.disconnect();
  }

  private drop(prefix: string): void {
    if (prefix === ALL) this.entries.clear();
    else this.entries.delete(prefix);
  }
}
