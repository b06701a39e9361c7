import { Redis, type RedisOptions } from 'ioredis';
import type { RedisSentinelAddress } from '@fabflow/config';
import type { Logger } from '@fabflow/observability';

/** Where Redis is: the `redisEnv` variables (libs/config); only REDIS_URL without Sentinel. */
export interface RedisConnectionConfig {
  readonly REDIS_URL: string;
  readonly REDIS_SENTINELS?: readonly RedisSentinelAddress[] | undefined;
  readonly REDIS_SENTINEL_NAME?: string | undefined;
  readonly REDIS_SENTINEL_PASSWORD?: string | undefined;
}

/**
 * How a client behaves while Redis is away, by what it is for:
 * - `shared`: commands wait (queued) through a short reconnect, then fail (2 retries).
 * - `fail-fast`: nothing is queued; a command fails at once while disconnected and after
 *   `commandTimeout` ms otherwise, so its caller falls back (the limiter, the work-queue cache,
 *   the pricing queue's producer).
 * - `blocking`: BullMQ's workers and event readers; commands wait for Redis forever
 *   (`maxRetriesPerRequest: null`, which BullMQ requires of them).
 */
export type RedisProfile = 'shared' | 'fail-fast' | 'blocking';

export interface RedisClientOptions {
  /** CLIENT SETNAME (`fabflow-mes-live`): who holds a connection, in `CLIENT LIST`. */
  name: string;
  profile: RedisProfile;
  /** Connection errors are logged once per outage; without a logger they are only swallowed. */
  logger?: Logger;
  /** `connect()` explicitly (default: connect at once). */
  lazyConnect?: boolean;
  /** fail-fast: the longest a command may take before it fails (default 500 ms). */
  commandTimeoutMs?: number;
  /** Longest pause between reconnect attempts (default 5000 ms). */
  maxRetryDelayMs?: number;
}

const PROFILE_OPTIONS: Record<RedisProfile, (o: RedisClientOptions) => RedisOptions> = {
  shared: () => ({ maxRetriesPerRequest: 2 }),
  'fail-fast': (o) => ({
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: o.commandTimeoutMs ?? 500,
    connectTimeout: 2000,
  }),
  blocking: () => ({ maxRetriesPerRequest: null }),
};

/**
 * The one way to make a Redis client: every client of every process (BullMQ's, the caches',
 * pub/sub, the rate limiter) comes from here, so all of them follow a Sentinel failover the
 * same way. With `REDIS_SENTINELS` the client asks the Sentinels for the current primary of
 * `REDIS_SENTINEL_NAME` on every (re)connect, checks it really is a primary, and reconnects when
 * a write meets a demoted primary (READONLY). A primary that dies closes its connections; one
 * that Sentinel demotes has them killed by Sentinel (CLIENT KILL, with the REPLICAOF): either
 * way the client reconnects and asks again. Without Sentinels it connects to `REDIS_URL`.
 * Clients made from one (`duplicate()`) inherit all of this.
 */
export function createRedis(config: RedisConnectionConfig, client: RedisClientOptions): Redis {
  const maxDelay = client.maxRetryDelayMs ?? 5000;
  const options: RedisOptions = {
    connectionName: client.name,
    lazyConnect: client.lazyConnect ?? false,
    retryStrategy: (times) => Math.min(times * 200, maxDelay),
    ...PROFILE_OPTIONS[client.profile](client),
  };
  const redis = config.REDIS_SENTINELS
    ? new Redis({ ...options, ...sentinelOptions(config, maxDelay) })
    : new Redis(config.REDIS_URL, options);
  reportErrors(redis, client.logger);
  return redis;
}

/** The ioredis options of Sentinel mode; REDIS_URL still gives the credentials and database. */
function sentinelOptions(config: RedisConnectionConfig, maxDelay: number): RedisOptions {
  const url = new URL(config.REDIS_URL);
  const db = Number(url.pathname.slice(1) || '0');
  return {
    sentinels: config.REDIS_SENTINELS?.map((s) => ({ host: s.host, port: s.port })),
    name: config.REDIS_SENTINEL_NAME ?? 'fabflow',
    sentinelPassword: config.REDIS_SENTINEL_PASSWORD,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: Number.isInteger(db) ? db : 0,
    ...(url.protocol === 'rediss:' ? { tls: {}, enableTLSForSentinelMode: true } : {}),
    // While no Sentinel answers (all restarting), keep asking, like the server reconnects.
    sentinelRetryStrategy: (times) => Math.min(times * 200, maxDelay),
    // Not ioredis' failoverDetector: its disconnect on +switch-master, landing while the client
    // is reconnecting to the dead primary, ends the client for good ("Connection is closed.",
    // status end: seen in the Redis chaos spec). Sentinel's CLIENT KILL does the same job.
    // A write that reaches a demoted primary: reconnect (to the new one) and send it again.
    reconnectOnError: (err) => (err.message.startsWith('READONLY') ? 2 : false),
  };
}

function reportErrors(redis: Redis, logger: Logger | undefined): void {
  let warned = false;
  redis.on('error', (err: Error) => {
    if (logger && !warned) logger.warn({ err: err.message }, 'Redis connection error; retrying');
    warned = true;
  });
  redis.on('ready', () => (warned = false));
}
