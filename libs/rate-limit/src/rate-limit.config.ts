import type { RedisConnectionConfig } from '@fabflow/platform';

/** The variables of `rateLimitEnv` (libs/config) the limiter reads, plus where Redis is. */
export interface RateLimitConfig extends RedisConnectionConfig {
  RATE_LIMIT_KEY_PREFIX: string;
  RATE_LIMIT_INSTANCES: number;
  RATE_LIMIT_REDIS_TIMEOUT_MS: number;
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: number;
  RATE_LIMIT_ANONYMOUS_BURST: number;
  RATE_LIMIT_LOGIN_PER_HOUR: number;
  RATE_LIMIT_LOGIN_BURST: number;
  TRUSTED_PROXIES: readonly string[];
}
