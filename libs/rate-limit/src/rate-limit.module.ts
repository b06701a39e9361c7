import {
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Logger, Registry } from '@fabflow/observability';
import {
  createRedis,
  LOGGER,
  METRICS_REGISTRY,
  type RedisConnectionConfig,
} from '@fabflow/platform';
import { trustedProxies } from './client-ip';
import { ClientIpPolicy } from './client-ip.policy';
import { LoginAccountPolicy } from './login-account.policy';
import type { RateLimitConfig } from './rate-limit.config';
import { RateLimitGuard, RateLimitPolicies } from './rate-limit.guard';
import { createRateLimitMetrics } from './rate-limit-metrics';
import { RedisRateLimiter } from './redis-rate-limiter';

export const RATE_LIMIT_REDIS = Symbol('RATE_LIMIT_REDIS');

/** The per-IP policy of the anonymous endpoints (register, login, refresh, logout). */
export const ANONYMOUS_IP_POLICY = 'anonymous-ip';
/** The per-account policy of the login routes (the email asked for, known or not). */
export const LOGIN_ACCOUNT_POLICY = 'login-account';

/**
 * The limiter's own Redis connection, fail-fast: no offline queue and a command timeout, so while
 * Redis is down (or failing over) a call fails at once and the request is decided locally
 * instead of waiting. The limiter reports outages itself, once per transition (no logger here).
 */
export function createLimiterRedis(
  config: RedisConnectionConfig,
  timeoutMs: number,
  name: string,
): Redis {
  return createRedis(config, {
    name,
    profile: 'fail-fast',
    lazyConnect: true,
    commandTimeoutMs: timeoutMs,
    maxRetryDelayMs: 2000,
  });
}

@Injectable()
class RateLimitLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(RATE_LIMIT_REDIS) private readonly redis: Redis) {}

  async onModuleInit(): Promise<void> {
    await this.redis.connect().catch(() => undefined);
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}

export interface RateLimitModuleOptions {
  service: string;
  config: RateLimitConfig;
}

/**
 * The limiter for one service, global: `RedisRateLimiter`, the policy registry (with the
 * `anonymous-ip` and `login-account` policies from config) and `RateLimitGuard` for
 * `@UseGuards` on limited routes.
 */
@Module({})
export class RateLimitModule {
  static forRoot(opts: RateLimitModuleOptions): DynamicModule {
    const { config } = opts;
    return {
      global: true,
      module: RateLimitModule,
      providers: [
        {
          provide: RATE_LIMIT_REDIS,
          useFactory: () =>
            createLimiterRedis(
              config,
              config.RATE_LIMIT_REDIS_TIMEOUT_MS,
              `fabflow-${opts.service}-rate-limit`,
            ),
        },
        {
          provide: RedisRateLimiter,
          useFactory: (redis: Redis, logger: Logger, registry: Registry) =>
            new RedisRateLimiter({
              redis,
              keyPrefix: `${config.RATE_LIMIT_KEY_PREFIX}:${opts.service}`,
              instances: config.RATE_LIMIT_INSTANCES,
              logger,
              metrics: createRateLimitMetrics(registry),
            }),
          inject: [RATE_LIMIT_REDIS, LOGGER, METRICS_REGISTRY],
        },
        {
          provide: RateLimitPolicies,
          useFactory: () => {
            const policies = new RateLimitPolicies();
            policies.register(
              ANONYMOUS_IP_POLICY,
              new ClientIpPolicy(
                {
                  name: ANONYMOUS_IP_POLICY,
                  limit: config.RATE_LIMIT_ANONYMOUS_PER_MINUTE,
                  periodSeconds: 60,
                  burst: config.RATE_LIMIT_ANONYMOUS_BURST,
                },
                trustedProxies(config.TRUSTED_PROXIES),
              ),
            );
            policies.register(
              LOGIN_ACCOUNT_POLICY,
              new LoginAccountPolicy({
                name: LOGIN_ACCOUNT_POLICY,
                limit: config.RATE_LIMIT_LOGIN_PER_HOUR,
                periodSeconds: 3600,
                burst: config.RATE_LIMIT_LOGIN_BURST,
              }),
            );
            return policies;
          },
        },
        RateLimitGuard,
        RateLimitLifecycle,
      ],
      exports: [RedisRateLimiter, RateLimitPolicies, RateLimitGuard],
    };
  }
}
