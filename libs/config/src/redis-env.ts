import { z } from 'zod';
import { defineConfig, type ConfigOf } from './define-config';
import { urlFromEnv } from './env-types';

/** One Sentinel's address. */
export interface RedisSentinelAddress {
  host: string;
  port: number;
}

/** `host:port` (a name, an IPv4 address or a bracketed IPv6 address, and a port). */
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

/** A comma-separated `host:port` list (Sentinels), parsed into addresses. */
export const hostPortListFromEnv = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p.length > 0),
  )
  .pipe(
    z
      .array(
        z.string().refine(
          (p) => {
            const m = HOST_PORT.exec(p);
            return m !== null && Number(m[2]) >= 1 && Number(m[2]) <= 65535;
          },
          { message: 'must be host:port, e.g. redis-sentinel-1:26379' },
        ),
      )
      .min(1, { message: 'needs at least one host:port' }),
  )
  .transform((list): RedisSentinelAddress[] =>
    list.map((p) => {
      const m = HOST_PORT.exec(p)!;
      return { host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) };
    }),
  );

/**
 * Where Redis is: one server (`REDIS_URL`, for development) or a Sentinel-watched primary
 * (`REDIS_SENTINELS` + `REDIS_SENTINEL_NAME`). Every Redis client of every process is made from
 * these by `createRedis` (libs/platform), so all of them follow a failover.
 */
export const redisEnv = defineConfig({
  REDIS_URL: {
    schema: urlFromEnv(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
    description:
      'Redis URL. With REDIS_SENTINELS set, only its user, password and database number are used (the address comes from Sentinel).',
    sensitive: true,
  },
  REDIS_SENTINELS: {
    schema: hostPortListFromEnv.optional(),
    description:
      'Comma-separated Sentinel addresses (host:port). Set: every Redis client asks them for the current primary of REDIS_SENTINEL_NAME and follows failovers. Unset: REDIS_URL is the server.',
  },
  REDIS_SENTINEL_NAME: {
    schema: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/)
      .default('fabflow'),
    description: 'The master group name the Sentinels monitor (`sentinel monitor <name> …`).',
  },
  REDIS_SENTINEL_PASSWORD: {
    schema: z.string().min(1).optional(),
    description: 'Password of the Sentinels themselves (their requirepass), if they have one.',
    sensitive: true,
  },
});

export type RedisConfig = ConfigOf<typeof redisEnv>;
